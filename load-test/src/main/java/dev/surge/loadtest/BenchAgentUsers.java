package dev.surge.loadtest;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Closed-loop users of agent-service: each opens a task, sends messages one after another, each as soon as the
 * previous reply came, ends the task after {@code messagesPerTask} messages and opens the next. The window counts
 * messages: latency from the POST to its 200 with the reply. When stopped, a user ends its open task.
 */
final class BenchAgentUsers extends BenchDriver {

    /** Pause after a failure before the user goes on, so that a failing service is not spun on. */
    private static final long PAUSE_AFTER_FAILURE_MS = 100;

    private final EventLoop loop;
    private final BenchAgentApi api;
    private final int messagesPerTask;
    private final BenchWindow window;
    private final List<User> users = new ArrayList<>();

    BenchAgentUsers(BenchHttp http, URI agentService, String token, int users, int messagesPerTask,
            BenchWindow window) throws IOException, InterruptedException {
        this.loop = http.loop();
        this.api = new BenchAgentApi(agentService, token);
        this.messagesPerTask = messagesPerTask;
        this.window = window;
        for (int i = 0; i < users; i++) {
            this.users.add(new User(i, connect(http, agentService)));
        }
    }

    @Override
    protected void begin() {
        users.forEach(user -> {
            began();
            user.next();
        });
    }

    private enum Step { CREATE, MESSAGE, END }

    /** One user and its conversation. */
    private final class User implements BenchConnection.Exchange {

        private final int number;
        private final BenchConnection connection;
        private String taskId;
        private int sentInTask;
        private long sentTotal;
        private Step step;
        private int status;
        private String location;
        private long sentNanos;

        User(int number, BenchConnection connection) {
            this.number = number;
            this.connection = connection;
        }

        /** Sends this user's next request; once stopped, ends the open task and then rests. */
        void next() {
            if (!running() && taskId == null) {
                finished();
                return;
            }
            if (taskId == null) {
                send(Step.CREATE, api.createTask());
            } else if (!running() || sentInTask >= messagesPerTask) {
                send(Step.END, api.endTask(taskId));
            } else {
                sentTotal++;
                send(Step.MESSAGE, api.sendMessage(taskId, "Message " + sentTotal + " from user " + number));
            }
        }

        private void send(Step next, ByteBuf request) {
            step = next;
            status = 0;
            location = null;
            sentNanos = System.nanoTime();
            connection.send(request, this);
        }

        @Override
        public void head(int status, HttpHeaders headers, long nanos) {
            this.status = status;
            this.location = headers.get(HttpHeaderNames.LOCATION);
        }

        @Override
        public void end(long nanos) {
            boolean ok = switch (step) {
                case CREATE -> created();
                case MESSAGE -> answered(nanos);
                case END -> ended();
            };
            if (ok) {
                next();
            } else {
                window.failed(status);
                loop.schedule(this::next, PAUSE_AFTER_FAILURE_MS, TimeUnit.MILLISECONDS);
            }
        }

        private boolean created() {
            if (status != 201 || location == null) {
                return false;
            }
            taskId = BenchAgentApi.taskId(location);
            sentInTask = 0;
            return true;
        }

        private boolean answered(long nanos) {
            sentInTask++;
            if (status != 200) {
                return false;
            }
            window.answered(nanos - sentNanos);
            return true;
        }

        private boolean ended() {
            // Whatever the answer, the user goes on with a new task rather than retry the end of this one.
            taskId = null;
            return status == 202;
        }

        @Override
        public void failed(Throwable cause) {
            window.error();
            if (step == Step.END) {
                taskId = null;
            }
            loop.schedule(this::next, PAUSE_AFTER_FAILURE_MS, TimeUnit.MILLISECONDS);
        }
    }
}
