package io.runwarden.sweep;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The sweeps one partition has taken on and not yet written every run of, oldest first, written one after another. A
 * decided sweep has told its home which runs it fails here before writing them; from then on each of those runs is
 * failed the moment anything touches it ({@link #decidedCover}), and reads wait for them ({@link SweepWrites}). Its
 * runs are written once the whole sweep has answered. Kept in a store of the partition's own, so that a task that
 * moves or restarts goes on with them.
 */
public final class SweepBacklog {
    /**
     * A sweep taken on: {@code decided} when its part went home at once, else its part so far, sent when its last run
     * is written (a partition with more due runs than one transaction should read to decide them); {@code answered}
     * once its home had every part; {@code takenAt} on the stream thread's clock.
     */
    public record Entry(long seq, SweepRequest request, boolean decided, boolean answered, SweepPart soFar, long takenAt) {
    }

    private final KeyValueStore<String, Entry> store;
    private final SweepWrites writes;
    private final int partition;
    private final List<Entry> entries = new ArrayList<>();

    public SweepBacklog(KeyValueStore<String, Entry> store, SweepWrites writes, int partition) {
        this.store = store;
        this.writes = writes;
        this.partition = partition;
        try (KeyValueIterator<String, Entry> it = store.all()) {
            it.forEachRemaining(entry -> entries.add(entry.value)); // keyed by seq: oldest first
        }
        told();
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * This very sweep, if taken on and not written yet. A marker forged under a sweep's id with another asOf is a
     * sweep of its own here, so that it cannot stand in for the real one.
     */
    public Optional<Entry> find(SweepRequest request) {
        return entries.stream().filter(entry -> entry.request().equals(request)).findFirst();
    }

    /** The latest asOf of the sweeps taken on: the runs due by then are theirs. Null when there is none. */
    public Instant coveredUntil() {
        return entries.stream().map(entry -> entry.request().asOf()).max(Instant::compareTo).orElse(null);
    }

    /** The latest asOf of the decided sweeps: runs reported now, due by then, are the next sweep's. Null: none. */
    public Instant decidedUntil() {
        return entries.stream().filter(Entry::decided).map(entry -> entry.request().asOf()).max(Instant::compareTo)
                .orElse(null);
    }

    /**
     * The decided sweep that fails an in-progress run due at {@code deadline} and still in the deadline index, if
     * any: the oldest sweep whose asOf is at or after it, when that one was decided.
     */
    public Optional<SweepRequest> decidedCover(Instant deadline) {
        for (Entry entry : entries) {
            if (!deadline.isAfter(entry.request().asOf())) {
                return entry.decided() ? Optional.of(entry.request()) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** The seq the next sweep taken on gets. */
    private long nextSeq() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq() + 1;
    }

    public void add(SweepRequest request, boolean decided, SweepPart soFar, long now) {
        put(entries.size(), new Entry(nextSeq(), request, decided, false, soFar, now));
        told();
    }

    public Optional<Entry> oldest() {
        return entries.isEmpty() ? Optional.empty() : Optional.of(entries.get(0));
    }

    /** The sweep's home had every part: its runs may be written. */
    public void answered(String sweepId) {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.request().sweepId().equals(sweepId) && !entry.answered()) {
                put(i, new Entry(entry.seq(), entry.request(), entry.decided(), true, entry.soFar(), entry.takenAt()));
            }
        }
    }

    /** The oldest sweep's part so far, after another chunk of its runs. */
    public void progressed(SweepPart soFar) {
        Entry oldest = entries.get(0);
        put(0, new Entry(oldest.seq(), oldest.request(), oldest.decided(), oldest.answered(), soFar, oldest.takenAt()));
    }

    /** Every run of the oldest sweep is written. */
    public void written() {
        Entry oldest = entries.remove(0);
        store.delete(key(oldest.seq()));
        told();
    }

    /** This instance no longer holds the partition: its reads are no one's to hold up here. */
    public void closed() {
        writes.writing(partition, false);
    }

    private void put(int index, Entry entry) {
        store.put(key(entry.seq()), entry);
        if (index == entries.size()) {
            entries.add(entry);
        } else {
            entries.set(index, entry);
        }
    }

    /** Reads wait only for a decided sweep that fails runs here: one that fails none changes nothing they read. */
    private void told() {
        writes.writing(partition, entries.stream().anyMatch(entry -> entry.decided() && entry.soFar().failed() > 0));
    }

    private static String key(long seq) {
        return String.format("%019d", seq);
    }
}
