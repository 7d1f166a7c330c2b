package io.runwarden.sweep;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The partitions of this instance that have answered a sweep and are still writing its runs. A partition answers a
 * sweep once it has decided which runs the sweep fails, and writes them behind the answer; a read of its runs waits
 * until they are written, so that nobody who has the answer reads a run the sweep failed as still in progress. Set by
 * the stream threads, waited on by the reads.
 */
public final class SweepWrites {
    /** Its key in the Streams configuration, by which the processors find the service's own (as its meters). */
    public static final String CONFIG = "runwarden.sweep.writes";

    private final Set<Integer> writing = new HashSet<>();

    /** The service's own from the Streams configuration; where there is none (a test's driver), one of its own. */
    public static SweepWrites from(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof SweepWrites writes ? writes : new SweepWrites();
    }

    /** Whether the partition has an answered sweep whose runs are not all written yet. */
    public synchronized void writing(int partition, boolean stillWriting) {
        if (stillWriting ? writing.add(partition) : writing.remove(partition)) {
            notifyAll();
        }
    }

    /**
     * Waits until none of {@code partitions} is writing a sweep's runs, at most {@code most}: past that (a sweep of
     * hundreds of thousands of runs) a read answers with the runs written so far, as it does while any sweep goes on.
     * @return whether they were all written
     */
    public synchronized boolean awaitWritten(Collection<Integer> partitions, Duration most) {
        long until = System.nanoTime() + most.toNanos();
        try {
            while (partitions.stream().anyMatch(writing::contains)) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
