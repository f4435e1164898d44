package dev.surge.loadtest;

import java.io.IOException;
import java.net.InetSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time. Confined to the generator's event loop:
 * {@link #send} must be called there, and the {@link Exchange} is called back there. A connection the server
 * closed is opened again by the next send.
 */
final class BenchConnection {

    /** What happens to one request; each callback gets {@link System#nanoTime()} of the moment it was read. */
    interface Exchange {

        /** The status line and headers arrived. */
        default void head(int status, HttpHeaders headers, long nanos) {
        }

        /** A piece of the body arrived; {@code content} is only valid during the call. */
        default void body(ByteBuf content, long nanos) {
        }

        /** The whole response arrived. */
        void end(long nanos);

        /** The request failed without a complete response (connection refused, reset or closed). */
        void failed(Throwable cause);
    }

    private final Bootstrap bootstrap;
    private final InetSocketAddress address;
    private Channel channel;
    private Exchange current;

    BenchConnection(Bootstrap bootstrap, InetSocketAddress address) {
        this.bootstrap = bootstrap;
        this.address = address;
    }

    /** Opens the connection and waits for it; used while setting up, off the event loop. */
    void open() throws IOException, InterruptedException {
        ChannelFuture connected = connect().await();
        if (!connected.isSuccess()) {
            throw new IOException("cannot connect to " + address + ": " + connected.cause().getMessage(),
                    connected.cause());
        }
    }

    /** Sends {@code request} (released once written) and reports its response to {@code exchange}. */
    void send(ByteBuf request, Exchange exchange) {
        if (current != null) {
            ReferenceCountUtil.release(request);
            throw new IllegalStateException("one request at a time on a connection");
        }
        current = exchange;
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(request, channel.voidPromise());
            return;
        }
        connect().addListener((ChannelFuture connected) -> {
            if (connected.isSuccess()) {
                connected.channel().writeAndFlush(request, connected.channel().voidPromise());
            } else {
                ReferenceCountUtil.release(request);
                fail(connected.cause());
            }
        });
    }

    /** Closes the connection; a request in flight fails. */
    void close() {
        if (channel != null) {
            channel.close();
        }
    }

    private ChannelFuture connect() {
        ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpResponseDecoder(), new Reader());
            }
        }).connect(address);
        channel = connecting.channel();
        return connecting;
    }

    private void fail(Throwable cause) {
        Exchange failed = current;
        current = null;
        if (failed != null) {
            failed.failed(cause);
        }
    }

    /** Hands the decoded response to the exchange in flight. */
    private final class Reader extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long now = System.nanoTime();
            try {
                Exchange exchange = current;
                if (exchange == null) {
                    return;
                }
                if (msg instanceof HttpResponse response) {
                    if (response.decoderResult().isFailure()) {
                        ctx.close();
                        fail(response.decoderResult().cause());
                        return;
                    }
                    exchange.head(response.status().code(), response.headers(), now);
                }
                if (msg instanceof HttpContent content) {
                    if (content.content().isReadable()) {
                        exchange.body(content.content(), now);
                    }
                    if (msg instanceof LastHttpContent) {
                        current = null;
                        exchange.end(now);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                fail(new IOException("connection closed by " + address));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
