package io.runwarden.notify;

import io.runwarden.model.Alert;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one channel has yet to be sent, in the order the alert feed gave it, and how far each feed partition may be
 * committed. The alerts of a batch (a sweep or a check) wait, in the place of the first, until every feed partition
 * said the batch ended; then more than {@value #DIGEST_ABOVE} go as one digest, fewer one by one. Alerts behind a
 * waiting batch wait too: a channel gets each script's alerts in order. An alert of a batch whose script has earlier
 * alerts waiting behind the batch (read first from a partition that lagged the batch's others) moves them ahead of it.
 */
final class ChannelOutbox {
    /** More alerts than this from one batch go to a channel as one digest (DESIGN, "Notifications"). */
    static final int DIGEST_ABOVE = 10;
    /**
     * A batch whose end never comes (a feed partition lost its records) is sent as it is after this, counted from when
     * it could first be sent (the head of the outbox), not from when it was read: a batch held behind an alert retried
     * for longer would otherwise go in two digests under the one id, as its ends came, and a receiver that drops an id
     * it has seen would drop the second half.
     */
    static final Duration BATCH_WAIT = Duration.ofMinutes(10);

    /** An alert where the feed had it. */
    record Fed(int partition, long offset, Alert alert) {
    }

    /** What to send next: one alert, or a digest of a batch's alerts; {@code fed} is what sending it settles. */
    record Ready(List<Fed> fed, boolean digest) {
        List<Alert> alerts() {
            return fed.stream().map(Fed::alert).toList();
        }
    }

    /** One alert, or a batch's alerts waiting for its end. */
    private static final class Entry {
        /** Its place in the outbox: entries are only ever added at the tail. */
        final long place;
        final String batchId;
        final List<Fed> fed = new ArrayList<>();
        final Set<String> scripts = new HashSet<>();
        /** When it was first the head of the outbox, and so could have been sent; null until then. */
        Instant headSince;
        /** Where each feed partition ended the batch, once all did: read again after a restart until it is sent. */
        Map<Integer, Long> ends = Map.of();

        Entry(long place, String batchId) {
            this.place = place;
            this.batchId = batchId;
        }
    }

    private final int feedPartitions;
    private final boolean digests;
    private final Deque<Entry> entries = new ArrayDeque<>();
    private final Map<String, Entry> waiting = new HashMap<>();
    /**
     * The place of the last entry that took an alert of each script, while the outbox is not empty: a batch, or a
     * single added at the tail (one moved ahead of a batch is followed by that batch, which the script joined).
     */
    private final Map<String, Long> lastPlaceOf = new HashMap<>();
    private long places;
    /** The ends seen of batches not yet ended on every feed partition. */
    private final Map<String, PartialEnd> ends = new HashMap<>();

    /** Where each feed partition that ended a batch so far did, and when the first did. */
    private record PartialEnd(Map<Integer, Long> offsets, Instant since) {
    }

    /** @param digests whether this channel's type takes digests (PagerDuty does not: it gets every alert) */
    ChannelOutbox(int feedPartitions, boolean digests) {
        this.feedPartitions = feedPartitions;
        this.digests = digests;
    }

    /** An alert routed to this channel. */
    void alert(int partition, long offset, Alert alert) {
        String script = alert.scriptName();
        String batchId = alert.batchId();
        Entry entry = !digests || batchId == null ? added(null) : joined(waiting.computeIfAbsent(batchId, this::added), script);
        entry.fed.add(new Fed(partition, offset, alert));
        entry.scripts.add(script);
        lastPlaceOf.put(script, entry.place);
    }

    /**
     * The waiting batch an alert of the script joins, once the script's alerts that wait behind it are moved ahead of
     * it, where they belong. A batch that holds an alert of the script already, or a batch behind it that does, cannot
     * go both before and after them: the alert then goes on its own, after them.
     */
    private Entry joined(Entry batch, String script) {
        Long last = lastPlaceOf.get(script);
        if (last == null || last <= batch.place) {
            return batch; // nothing of the script behind the batch: batches never move, and singles only ahead of one
        }
        return !batch.scripts.contains(script) && movedAhead(script, batch) ? batch : added(null);
    }

    /** Moves the script's alerts behind the waiting batch to just before it, in their order; false if one is a batch's. */
    private boolean movedAhead(String script, Entry batch) {
        List<Entry> before = new ArrayList<>();
        List<Entry> moved = new ArrayList<>();
        List<Entry> after = new ArrayList<>();
        for (Entry entry : entries) {
            if (entry == batch || !after.isEmpty() && !entry.scripts.contains(script)) {
                after.add(entry);
            } else if (after.isEmpty()) {
                before.add(entry);
            } else if (entry.batchId == null) {
                moved.add(entry);
            } else {
                return false;
            }
        }
        entries.clear();
        entries.addAll(before);
        entries.addAll(moved);
        entries.addAll(after);
        return true;
    }

    private Entry added(String batchId) {
        Entry entry = new Entry(places++, batchId);
        entries.add(entry);
        return entry;
    }

    /** A feed partition's end of a batch: every alert of the batch on that partition came before it. */
    void batchEnd(int partition, long offset, String batchId, Instant now) {
        PartialEnd seen = ends.computeIfAbsent(batchId, id -> new PartialEnd(new HashMap<>(), now));
        seen.offsets().putIfAbsent(partition, offset);
        if (seen.offsets().size() >= feedPartitions) {
            ends.remove(batchId);
            Entry batch = waiting.remove(batchId); // ready, where it stands
            if (batch != null) {
                batch.ends = seen.offsets();
            }
        }
    }

    /** The next thing to send, if the head of the outbox is not a batch still waiting for its end. */
    Optional<Ready> next(Instant now) {
        // an end that never came lost its batch's records: nothing more of it is worth holding commits back for
        ends.entrySet().removeIf(end -> !now.isBefore(end.getValue().since().plus(BATCH_WAIT)) && !waiting.containsKey(end.getKey()));
        Entry head = entries.peek();
        if (head == null) {
            return Optional.empty();
        }
        if (head.batchId == null) {
            return Optional.of(new Ready(head.fed, false));
        }
        if (waiting.get(head.batchId) == head) {
            if (head.headSince == null) {
                head.headSince = now;
            }
            if (now.isBefore(head.headSince.plus(BATCH_WAIT))) {
                return Optional.empty();
            }
            waiting.remove(head.batchId); // its end is lost: what came is all that will
            ends.remove(head.batchId);
        }
        if (head.fed.size() > DIGEST_ABOVE) {
            return Optional.of(new Ready(head.fed, true));
        }
        return Optional.of(new Ready(List.of(head.fed.get(0)), false));
    }

    /** The head was sent (or given up on): what it settled leaves the outbox. */
    void settled(Ready ready) {
        Entry head = entries.peek();
        if (head == null) {
            return;
        }
        head.fed.removeAll(ready.fed());
        if (head.fed.isEmpty()) {
            entries.poll();
            if (entries.isEmpty()) {
                lastPlaceOf.clear();
            }
        }
    }

    /**
     * How far each feed partition may be committed, given where the consumer is: up to the first alert not yet
     * settled, the first end of a batch not yet ended everywhere, and the ends of a batch not yet sent, all of which a
     * restart must read again (without its ends a batch read again would wait for them in vain).
     */
    Map<Integer, Long> committable(Map<Integer, Long> positions) {
        Map<Integer, Long> offsets = new HashMap<>(positions);
        for (Entry entry : entries) {
            entry.fed.forEach(fed -> offsets.merge(fed.partition(), fed.offset(), Math::min));
            entry.ends.forEach((partition, offset) -> offsets.merge(partition, offset, Math::min));
        }
        ends.values().forEach(end -> end.offsets().forEach((partition, offset) -> offsets.merge(partition, offset, Math::min)));
        return offsets;
    }

    int size() {
        return entries.stream().mapToInt(e -> e.fed.size()).sum();
    }

    void clear() {
        entries.clear();
        lastPlaceOf.clear();
        waiting.clear();
        ends.clear();
    }
}
