package dev.surge.loadtest;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The benchmark's load generator: HTTP/1.1 over keep-alive connections on one Netty event-loop thread, requests
 * encoded once and written as bytes, responses decoded without aggregation so that each piece of a body is
 * timed as it arrives. Every driver runs on that one thread, so their state needs no locks.
 *
 * <p>Written for the benchmark rather than driving Gatling (already in this module): the generator shares two
 * cores with what it measures, so it must spend as little CPU per request as it can, and Gatling's virtual-user
 * sessions are not built for that; nor does Gatling time each chunk of a stream or send on an open-loop schedule
 * measured from the intended send time.
 */
final class BenchHttp implements AutoCloseable {

    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final String transport;

    BenchHttp() {
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        loop = group.next();
        bootstrap = new Bootstrap().group(loop)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
        // Epoll times its timers to the microsecond; NIO wakes up on whole milliseconds, which delays open-loop sends.
        transport = epoll ? "netty-epoll" : "netty-nio";
    }

    /** Which Netty transport runs the generator. */
    String transport() {
        return transport;
    }

    EventLoop loop() {
        return loop;
    }

    /** A keep-alive connection to {@code target}'s host and port, opened now. */
    BenchConnection connect(URI target) throws IOException, InterruptedException {
        BenchConnection connection = new BenchConnection(bootstrap,
                new InetSocketAddress(target.getHost(), target.getPort()));
        connection.open();
        return connection;
    }

    /** Runs {@code task} on the event loop and waits for its result; never call it from the loop itself. */
    <T> T onLoop(Callable<T> task) throws InterruptedException {
        try {
            return loop.submit(task).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load generator failed: " + e.getCause(), e.getCause());
        }
    }

    /** Runs {@code task} on the event loop and waits for it to finish. */
    void onLoop(Runnable task) throws InterruptedException {
        onLoop(() -> {
            task.run();
            return null;
        });
    }

    /**
     * The bytes of one request to {@code target}: request line, {@code Host}, the given headers, and
     * {@code Content-Length} when there is a body.
     */
    static byte[] encode(String method, URI target, String path, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(target.getHost()).append(':').append(target.getPort()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    /**
     * A request sent again and again: in direct memory, which the socket writes without a copy, and never
     * released, so that each send writes a {@link ByteBuf#duplicate()} and allocates nothing else.
     */
    static ByteBuf reusable(byte[] request) {
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(request.length).writeBytes(request));
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
