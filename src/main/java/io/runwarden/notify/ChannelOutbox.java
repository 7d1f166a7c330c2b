package io.runwarden.notify;

import io.runwarden.model.Alert;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
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
     * for longer would otherwise go in two digests as its ends came. When the end still comes too late, the batch does
     * go in parts, each with an id of its own ({@link Ready#part()}): a receiver that drops an id it has seen takes both.
     */
    static final Duration BATCH_WAIT = Duration.ofMinutes(10);

    /** An alert where the feed had it. */
    record Fed(int partition, long offset, Alert alert) {
    }

    /**
     * What to send next: one alert, or a digest of a batch's alerts; {@code fed} is what sending it settles.
     * {@code whole}: the batch ended on every feed partition before it was sent, so no other part of it can follow.
     */
    record Ready(List<Fed> fed, boolean digest, boolean whole) {
        List<Alert> alerts() {
            return fed.stream().map(Fed::alert).toList();
        }

        /**
         * Null for a whole batch; for a part sent without its ends, what tells it from the batch's other parts (its
         * later alerts come as another), so that a receiver that drops an id it has seen takes both: a hash of its
         * alerts' ids, the same on every retry and after a restart that reads the same alerts again.
         */
        String part() {
            if (whole) {
                return null;
            }
            StringBuilder ids = new StringBuilder();
            fed.stream().map(f -> f.alert().alertId()).sorted().forEach(id -> ids.append(id).append('\n'));
            return Sha256.hex(ids.toString().getBytes(StandardCharsets.UTF_8), 8);
        }
    }

    /** One alert, or a batch's alerts waiting for its end; a link of the outbox's ring. */
    private static final class Entry {
        /**
         * The order it was added in. Batches never move and singles move only to just ahead of a batch (which the
         * script then joins), so every entry a script has after a batch was added after it.
         */
        final long place;
        final String batchId;
        final List<Fed> fed = new ArrayList<>();
        final Set<String> scripts = new HashSet<>();
        Entry previous = this;
        Entry next = this;
        /** When it was first the head of the outbox, and so could have been sent; null until then. */
        Instant headSince;
        /** Whether its wait ran out before its ends came: it goes as it is, and what comes after is another part. */
        boolean cut;
        /** Where each feed partition ended the batch, once all did: read again after a restart until it is sent. */
        Map<Integer, Long> ends = Map.of();

        Entry(long place, String batchId) {
            this.place = place;
            this.batchId = batchId;
        }
    }

    private final int feedPartitions;
    private final boolean digests;
    /** The ring of entries: its next is the head, its previous the tail. */
    private final Entry ring = new Entry(-1, null);
    private final Map<String, Entry> waiting = new HashMap<>();
    /** Each script's entries, in the outbox's order: where its alerts wait. */
    private final Map<String, Deque<Entry>> entriesOf = new HashMap<>();
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
        if (entry.scripts.add(script)) {
            entriesOf.computeIfAbsent(script, s -> new ArrayDeque<>()).add(entry);
        }
    }

    /**
     * The waiting batch an alert of the script joins, once the script's alerts that wait behind it are moved ahead of
     * it, where they belong. A batch that holds an alert of the script already, or a batch behind it that does, cannot
     * go both before and after them: the alert then goes on its own, after them.
     */
    private Entry joined(Entry batch, String script) {
        Deque<Entry> mine = entriesOf.get(script);
        if (mine == null || mine.getLast().place <= batch.place) {
            return batch;
        }
        if (batch.scripts.contains(script)) {
            return added(null);
        }
        List<Entry> behind = new ArrayList<>();
        for (Iterator<Entry> it = mine.descendingIterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (entry.place <= batch.place) {
                break;
            }
            if (entry.batchId != null) {
                return added(null);
            }
            behind.add(entry);
        }
        for (int i = behind.size() - 1; i >= 0; i--) {
            unlink(behind.get(i));
            linkBefore(behind.get(i), batch);
        }
        batch.headSince = null; // no longer the head, if it was: its wait starts again when it is
        return batch;
    }

    private Entry added(String batchId) {
        Entry entry = new Entry(places++, batchId);
        linkBefore(entry, ring);
        return entry;
    }

    private static void linkBefore(Entry entry, Entry at) {
        entry.previous = at.previous;
        entry.next = at;
        at.previous.next = entry;
        at.previous = entry;
    }

    private static void unlink(Entry entry) {
        entry.previous.next = entry.next;
        entry.next.previous = entry.previous;
        entry.previous = entry;
        entry.next = entry;
    }

    private Entry head() {
        return ring.next == ring ? null : ring.next;
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
        Entry head = head();
        if (head == null) {
            return Optional.empty();
        }
        if (head.batchId == null) {
            return Optional.of(new Ready(head.fed, false, true));
        }
        if (waiting.get(head.batchId) == head) {
            if (head.headSince == null) {
                head.headSince = now;
            }
            if (now.isBefore(head.headSince.plus(BATCH_WAIT))) {
                return Optional.empty();
            }
            waiting.remove(head.batchId); // its end is lost: what came is all that will, or the rest comes as another part
            ends.remove(head.batchId);
            head.cut = true;
        }
        if (head.fed.size() > DIGEST_ABOVE) {
            return Optional.of(new Ready(head.fed, true, !head.cut));
        }
        return Optional.of(new Ready(List.of(head.fed.get(0)), false, true));
    }

    /** The head was sent (or given up on): what it settled leaves the outbox. */
    void settled(Ready ready) {
        Entry head = head();
        if (head == null) {
            return;
        }
        head.fed.removeAll(new HashSet<>(ready.fed())); // a list's contains made a digest of thousands take seconds
        if (head.fed.isEmpty()) {
            unlink(head);
            for (String script : head.scripts) {
                Deque<Entry> mine = entriesOf.get(script);
                mine.removeFirstOccurrence(head); // its first: the head is every script's first
                if (mine.isEmpty()) {
                    entriesOf.remove(script);
                }
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
        for (Entry entry = ring.next; entry != ring; entry = entry.next) {
            entry.fed.forEach(fed -> offsets.merge(fed.partition(), fed.offset(), Math::min));
            entry.ends.forEach((partition, offset) -> offsets.merge(partition, offset, Math::min));
        }
        ends.values().forEach(end -> end.offsets().forEach((partition, offset) -> offsets.merge(partition, offset, Math::min)));
        return offsets;
    }

    int size() {
        int size = 0;
        for (Entry entry = ring.next; entry != ring; entry = entry.next) {
            size += entry.fed.size();
        }
        return size;
    }

    void clear() {
        ring.next = ring;
        ring.previous = ring;
        entriesOf.clear();
        waiting.clear();
        ends.clear();
    }
}
