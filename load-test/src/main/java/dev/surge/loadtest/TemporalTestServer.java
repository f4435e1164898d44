package dev.surge.loadtest;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * The standalone Temporal test server the launcher starts ({@link SurgeProcesses#startTemporal}): temporal-test-server's
 * own server, as its {@code TestServer} main starts it, plus a workaround for a leak in it that makes a long run slower
 * with every message.
 * <p>
 * The leak (temporal-test-server 1.32.0, unchanged in 1.38.0): its clock, {@code SelfAdvancingTimerImpl}, keeps a
 * {@code LinkedList} of lock events "for debugging purposes only". Each workflow task, activity and signal between
 * workflows appends two that nothing ever removes, and every change to any workflow removes its own short-lived event
 * with {@code LinkedList.remove(Object)}, a scan from the oldest, under the clock's lock, which every change of every
 * workflow takes. In {@code ./demo --full} (20,000 messages) the list held about 130,000 events by the 9,000th
 * message, that scan was 90 % of the test server's CPU samples (Java Flight Recorder, 60 s), and from about the
 * 12,000th message its calls (workflow tasks, updates, heartbeats) queued behind that lock until replies came after
 * the frontend's patience.
 * <p>
 * Here, every {@code surge.temporal.lock-events.prune-every} (5 s), events older than
 * {@code surge.temporal.lock-events.keep} (30 s) are dropped from that list, under the clock's own lock. Only a
 * lock handle ever looks an event up again (to remove it when it unlocks), and the handles live for one change to a
 * workflow or one timer callback, except the one the clock holds while no timer is scheduled, whose event is kept.
 * temporal-test-server has no setting or public API for this, and its classes are package-private, hence reflection
 * (the test server is not a compile-time dependency of this module either: it comes from agent-service's
 * {@code embedded-temporal} folder, as the one agent-service is tested with). When its internals differ (another
 * version), the server runs as it is and says so on its log. This is test tooling: production runs against a
 * Temporal cluster.
 */
public final class TemporalTestServer {

    /**
     * Long against a handle's life (milliseconds), short against the list's: kept 2 minutes, the list held about 14,000
     * events in {@code ./demo --full} and 100,000 at {@code ./bench}'s 85 messages a second, whose scan again limited
     * the test server (85.8 messages a second at most, 99.2 with 30 s).
     */
    private static final Duration KEEP = Duration.ofSeconds(30);
    private static final Duration PRUNE_EVERY = Duration.ofSeconds(5);

    private TemporalTestServer() {
    }

    /** {@code <port>}: serves Temporal's frontend there until the process is stopped. */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: TemporalTestServer <port>");
            System.exit(2);
        }
        Duration keep = Duration.parse(System.getProperty("surge.temporal.lock-events.keep", KEEP.toString()));
        Duration every = Duration.parse(System.getProperty("surge.temporal.lock-events.prune-every",
                PRUNE_EVERY.toString()));
        // As temporal-test-server's own main without flags: time skipping locked, so workflow time is wall time.
        Closeable server = (Closeable) Class.forName("io.temporal.testserver.TestServer")
                .getMethod("createPortBoundServer", int.class, boolean.class)
                .invoke(null, Integer.parseInt(args[0]), true);
        ScheduledExecutorService pruning = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "lock-event-pruning");
            thread.setDaemon(true);
            return thread;
        });
        LockEvents events = LockEvents.of(server);
        if (events != null) {
            System.out.println("lock events older than " + keep + " are dropped every " + every
                    + " (a leak in temporal-test-server, see " + TemporalTestServer.class.getName() + ")");
            pruning.scheduleWithFixedDelay(() -> {
                try {
                    int dropped = events.dropOlderThan(keep);
                    if (dropped > 0) {
                        System.out.println("lock events: dropped " + dropped + ", " + events.dropped()
                                + " in all, " + events.size() + " kept");
                    }
                } catch (RuntimeException e) {
                    System.err.println("lock events could not be pruned: " + e);
                }
            }, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            pruning.shutdownNow();
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("the test server did not close: " + e);
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    /**
     * The clock's list of lock events, reached by reflection. The fields are looked up once, here, so that a prune
     * holds the clock's lock only for the list walk, and a version with other internals is found at start.
     */
    static final class LockEvents {

        private final Object clock;
        private final Lock lock;
        private final List<?> events;
        /** {@code SelfAdvancingTimerImpl.timeLockOnEmptyQueueHandle}: the handle held while no timer is scheduled. */
        private final Field idleHandle;
        /** {@code TimerLockHandle.event}: the event a handle removes when it unlocks. */
        private final Field handleEvent;
        /** {@code LockEvent.timestamp}: when the event was added (wall clock, milliseconds). */
        private final Field timestamp;
        private long dropped;

        private LockEvents(Object clock) throws ReflectiveOperationException {
            Class<?> type = clock.getClass();
            this.clock = clock;
            this.lock = (Lock) field(type, "lock").get(clock);
            this.events = (List<?>) field(type, "lockEvents").get(clock);
            this.idleHandle = field(type, "timeLockOnEmptyQueueHandle");
            this.handleEvent = field(Class.forName(type.getName() + "$TimerLockHandle"), "event");
            this.timestamp = field(Class.forName(type.getName() + "$LockEvent"), "timestamp");
        }

        /** The server's lock events, or null (said on standard error) when this version keeps them elsewhere. */
        static LockEvents of(Object server) {
            try {
                Object starter = field(server.getClass(), "testServicesStarter").get(server);
                return new LockEvents(field(starter.getClass(), "selfAdvancingTimer").get(starter));
            } catch (ReflectiveOperationException | RuntimeException e) {
                System.err.println("lock events are not pruned, this temporal-test-server keeps them elsewhere ("
                        + e + "): long runs slow down with every message");
                return null;
            }
        }

        /** Drops the events older than {@code age}, except the idle clock's own; answers how many went. */
        int dropOlderThan(Duration age) {
            long before = System.currentTimeMillis() - age.toMillis();
            int count = 0;
            lock.lock();
            try {
                Object idle = idleHandle.get(clock);
                Object idleEvent = idle == null ? null : handleEvent.get(idle);
                for (Iterator<?> it = events.iterator(); it.hasNext();) {
                    Object event = it.next();
                    if (event == idleEvent) {
                        continue;
                    }
                    // Appended as they happen: the first young one ends the old ones.
                    if (timestamp.getLong(event) >= before) {
                        break;
                    }
                    it.remove();
                    count++;
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } finally {
                lock.unlock();
            }
            dropped += count;
            return count;
        }

        /** Events dropped so far. */
        long dropped() {
            return dropped;
        }

        /** Events in the list now. */
        int size() {
            lock.lock();
            try {
                return events.size();
            } finally {
                lock.unlock();
            }
        }
    }

    private static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
