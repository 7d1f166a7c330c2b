package io.runwarden.stream;

import org.apache.kafka.streams.processor.api.ProcessorContext;

import java.time.Duration;

/**
 * When a task asks for its commit, which is when what it wrote becomes visible to read-committed consumers. Under a
 * light load it asks at the end of every {@link #WINDOW_MS} in which it processed a record, so its output is seen
 * within 100 ms, as with exactly-once's default commit interval. Under a flood (more than {@link #LIGHT_RECORDS} in a
 * window) it leaves the commit to the longer interval runwarden sets ({@code commit.interval.ms}, 1 s): fewer, larger
 * transactions, and a run changed by several of its events written once per transaction, drain a backlog faster.
 * One per task; a commit asked by any task of a stream thread commits all of them, so a task asks only for output
 * someone waits for (the alert tasks: alerts, not the health a success moves).
 */
final class CommitPace {
    static final long WINDOW_MS = 100;
    /** How often a task that has no tick of its own calls {@link #commitIfDue}: at most this late past its window. */
    static final Duration TICK = Duration.ofMillis(5);
    static final int LIGHT_RECORDS = 100;

    private long windowStart;
    private int inWindow;
    /**
     * Whether output someone waits for was written since the last ask: the last records of a flood must not wait for
     * the interval.
     */
    private boolean unasked;

    void processed() {
        processed(1, true);
    }

    /**
     * @param records  how many records of the load this was (the outcomes a record of them gathers)
     * @param awaited  whether it wrote what someone waits for: only then is a commit asked for
     */
    void processed(int records, boolean awaited) {
        inWindow += records;
        unasked |= awaited;
    }

    /**
     * Called often (every few ms, from a punctuator): asks {@code context} for a commit when {@link #askNow} says so.
     * While the thread's records sent ahead of their batch's last one wait for it ({@link Emitter#sentAhead}) it
     * neither asks nor ends its window: a tick's checks answered across a window's end were committed between them.
     */
    void commitIfDue(ProcessorContext<?, ?> context, long now) {
        if (!Emitter.sentAhead(now) && askNow(now)) {
            context.commit();
        }
    }

    /**
     * Whether to ask for a commit now, as a window ends that was light (a flood's last,
     * quiet window included) and left records uncommitted.
     */
    boolean askNow(long now) {
        if (now - windowStart < WINDOW_MS && now >= windowStart) {
            return false;
        }
        boolean ask = unasked && inWindow <= LIGHT_RECORDS;
        windowStart = now;
        inWindow = 0;
        unasked &= !ask;
        return ask;
    }
}
