package io.runwarden.schedule;

import io.runwarden.kafka.EventPartitions;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Missed-start checks, run in-band on {@code script-events} as sweeps are. Partition 0's task, which owns the
 * scheduler's clock, writes a check to every partition for the slots whose grace ran out since the last one; each
 * partition answers once it has applied every event written before the check, so a start that waits in a backlog
 * is counted, never reported missed; the answers meet on the check's home partition, and each slot that no run kept
 * goes, as a missed-slot record, to the partition of its run {@code {script}@{slot}}, which records it once.
 */
public final class StartChecks {
    /** How often partition 0 looks for slots whose grace ran out: a missed slot shows well within a minute. */
    public static final Duration TICK = Duration.ofSeconds(10);
    /** How long a check's bookkeeping is kept on its home partition. */
    public static final Duration KEPT = Duration.ofDays(7);
    /**
     * Slots per check record at most; {@link CheckChunks} bounds its bytes too (about 256 KB, some 12,000 slots of
     * short names). A tick's checks each take a hop to every partition and back, and every home partition that
     * completes one commits: with 1,000 a check, 10,000 schedules made 10 checks, 60 answers and up to 10 commits one
     * after another on the homes' threads, which took longer than a sweep of as many runs (issue 15, B6).
     */
    public static final int SLOTS_PER_CHECK = 10_000;
    /** Slots of one script a tick decides at most, so that catching up after an outage goes in bounded steps. */
    static final int SLOTS_PER_SCRIPT = 100;
    /**
     * How far back the slots of a script never decided are looked for: a week covers an outage over a long weekend,
     * and is what {@code script-events} keeps by default, so that when the scheduler's state is lost (a new
     * application id, a reset) the runs that kept those slots are rebuilt with it; further back, every slot would
     * read as missed, a flood of false alarms.
     */
    static final Duration LOOK_BACK = Duration.ofDays(7);
    /**
     * How long the scheduled policies are kept between ticks at most, though no global table changed: a table restored
     * again from its topic (its offsets lost) changes none through the updaters that count changes.
     */
    static final Duration POLICIES_KEPT = Duration.ofMinutes(1);
    /** How long a moved start is remembered at most: a check can only need it while this partition lags behind. */
    static final Duration FORWARDED_KEPT = Duration.ofDays(1);
    /**
     * How long after it was moved a start may still reach its run's partition behind a later check. The move and the
     * check may leave through different producers (stream threads or instances), each sending its transaction in its
     * own time; a transaction is done within its timeout (Kafka Streams: 10 s), and a minute leaves room for that and
     * for the batch-wide time Kafka Streams gives the records it processes.
     */
    static final Duration FORWARD_SETTLE = Duration.ofMinutes(1);
    /**
     * How far a script's decided slot runs ahead of the one its record in the scheduler's state holds before the record
     * is written, a tick's share at a time ({@link #STORED_PER_TICK}); at twice this, always. A restart or
     * failover decides those slots again, which records nothing twice (a missed slot is recorded once, under its
     * runId) and skips none. Writing every script's slot at every tick that decided one was most of the tick: 10,000
     * changelogged records a minute for 10,000 per-minute schedules, which every check of the tick waited behind.
     */
    static final Duration STORED_LAG = Duration.ofMinutes(10);
    /** Records of lagging decided slots a tick writes at most, so that none is slow: the rest wait for a later tick. */
    static final int STORED_PER_TICK = 1_000;
    /** Before a script's name, the key of its last decided slot in the scheduler's store: no job name holds a NUL. */
    static final String DECIDED = "\u0000decided\u0000";
    private static final String DECIDED_END = "\u0000decided\u0001";
    /** Between a check's id and an answer's partition in the key the answer waits under on the check's home. */
    private static final String PART = "\u0000part\u0000";
    private static final String PART_END = "\u0000part\u0001";
    /**
     * Checks kept in memory on their home task at most, 1–2 MB each with 10,000 slots: a tick writes one. Those of a
     * tick that catches up after an outage (up to 100 slots a script) are read from the store again as they come.
     */
    private static final int COLLECTING_KEPT = 4;
    private static final DateTimeFormatter CHECK_ID = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The runs of the partition a check arrived on. */
    public interface PartitionRuns {
        /** Whether the partition can tell which runs started when (its indexes are complete); drives a rebuild on. */
        boolean readyToAnswer();

        /**
         * The positions of the slots a start of their script, not a missed slot's record, lies within the grace of:
         * all of a check's at once, as a check of 10,000 slots asks every partition about each (issue 15, B6).
         */
        List<Integer> kept(List<ExpectedSlot> slots);

        /**
         * Records a missed slot as a run, unless it is recorded already: under the first of {@code runIds} that no run
         * reported holds ({@link ExpectedSlot#missedRunIds}).
         */
        void recordMissed(MissedSlot missed, List<String> runIds, long timestamp);

        /** Every missed slot of the check that reaches this partition is recorded: tells the alerts. */
        void batchDone(String checkId, int partition, long timestamp);
    }

    private final KeyValueStore<String, StartCheckProgress> checks;
    private final KeyValueStore<String, Instant> forwardedStarts;
    private final ReadOnlyKeyValueStore<String, ScriptPolicy> policies;
    private final LongSupplier policyChanges;
    /** The policies that expect runs, as last read; {@code readAt}: the changes counted then, {@code readWhen}: when. */
    private List<ScriptPolicy> scheduled;
    private long readAt;
    private Instant readWhen;
    private final PartitionRuns runs;
    private final ControlChannel channel;
    private final int partitions;
    /** How long finished runs are kept: a slot older than that cannot be judged, the run that kept it may be gone. */
    private final Duration retention;
    private final Supplier<Instant> clock;
    private final RunwardenMeters meters;
    private final StartCheckValues values;
    /**
     * Each script's last decided slot, and the one its record in the scheduler's state holds, by script: only this
     * task writes that state, and a tick reads every scheduled script's (reading them from the store was a tenth of it).
     */
    private final Map<String, Decided> decided = new HashMap<>();
    /** The checks this task is the home of, the least recently used out of memory first; the store holds them all. */
    private final Map<String, Collecting> collecting = new LinkedHashMap<>(COLLECTING_KEPT, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Collecting> eldest) {
            return size() > COLLECTING_KEPT;
        }
    };
    /** Records of lagging decided slots the running tick may still write ({@link #STORED_PER_TICK}). */
    private int storesLeft;

    private record Decided(Instant slot, Instant stored) {
    }

    public StartChecks(KeyValueStore<String, StartCheckProgress> checks, KeyValueStore<String, Instant> forwardedStarts,
                       ReadOnlyKeyValueStore<String, ScriptPolicy> policies, LongSupplier policyChanges, PartitionRuns runs,
                       ControlChannel channel, int partitions, Duration retention, RunwardenMeters meters,
                       Supplier<Instant> clock) {
        this.checks = checks;
        this.forwardedStarts = forwardedStarts;
        this.policies = policies;
        this.policyChanges = policyChanges;
        this.runs = runs;
        this.channel = channel;
        this.partitions = partitions;
        this.retention = retention;
        this.clock = clock;
        this.meters = meters;
        this.values = new StartCheckValues(partitions, clock);
    }

    /**
     * On partition 0: writes checks for the slots whose grace ran out and that no check decided yet. Each script's
     * last decided slot is changelogged with the scheduler's slots, in the same transaction as the checks, less than
     * twice {@link #STORED_LAG} behind the slot decided: a restart or failover never skips a slot, whatever the
     * script's grace was or is, and decides again only the few a missed slot's runId keeps from being recorded twice.
     */
    public void tick(Instant now, KeyValueStore<String, Instant> state) {
        storesLeft = STORED_PER_TICK;
        List<ExpectedSlot> due = new ArrayList<>();
        Map<Window, List<Instant>> windows = new HashMap<>();
        for (ScriptPolicy policy : scheduled(now)) {
            due.addAll(due(policy, now, state, windows));
        }
        // the same minute of many scripts side by side, so that a check writes it once (SlotGroups)
        due.sort(Comparator.comparing(ExpectedSlot::slot).thenComparing(ExpectedSlot::grace));
        // the time says when; the random part keeps two ticks of one second apart (partition 0 moved to an instance
        // whose clock is behind): a check whose id was seen already is dropped whole, and its slots with it
        String tick = "check-" + CHECK_ID.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<List<ExpectedSlot>> chunks = CheckChunks.of(due);
        for (int n = 0; n < chunks.size(); n++) {
            StartCheck check = new StartCheck(tick + n, now, chunks.get(n), n < chunks.size() - 1);
            channel.send(check.checkId(), check, ControlRecord.START_CHECK.headers(), now.toEpochMilli());
        }
    }

    /**
     * The policies that expect runs: read again only once a global table changed, or {@link #POLICIES_KEPT} passed.
     * Reading all of them at every tick was a fifth of it, with 10,000 schedules (issue 15, B6).
     */
    private List<ScriptPolicy> scheduled(Instant now) {
        long changes = policyChanges.getAsLong(); // before the read: a change made while it reads is read next time
        if (scheduled == null || changes != readAt || now.isBefore(readWhen) || !now.isBefore(readWhen.plus(POLICIES_KEPT))) {
            List<ScriptPolicy> read = new ArrayList<>();
            try (KeyValueIterator<String, ScriptPolicy> it = policies.all()) {
                while (it.hasNext()) {
                    ScriptPolicy policy = it.next().value;
                    if (policy.expectsRuns()) {
                        read.add(policy);
                    }
                }
            }
            scheduled = read;
            readAt = changes;
            readWhen = now;
        }
        return scheduled;
    }

    /**
     * A script's slots after the last one decided (or, none decided yet, after its scheduleSince) whose grace ran out
     * by {@code now}, at most {@link #SLOTS_PER_SCRIPT}: a long outage is caught up tick by tick, whether or not the
     * script had a slot decided before it. A script never decided looks no further back than {@link #lookBack} (its
     * scheduleSince that old: the scheduler's state lost, or older than this bookkeeping).
     */
    private List<ExpectedSlot> due(ScriptPolicy policy, Instant now, KeyValueStore<String, Instant> state,
                                   Map<Window, List<Instant>> windows) {
        String script = policy.scriptName();
        Duration grace = policy.effectiveStartGrace();
        Decided known = decided.computeIfAbsent(script, s -> stored(state, s));
        Instant after = known != null ? latest(known.slot(), now.minus(lookBack(grace)))
                : latest(policy.scheduleSince(), now.minus(lookBack(grace)));
        if (known == null && policy.scheduleSince() == null) {
            after = now.minus(grace); // nothing says since when: from now on
            known = decide(state, script, null, after);
        }
        if (policy.scheduleSince() != null && policy.scheduleSince().isAfter(after)) {
            after = policy.scheduleSince();
        }
        List<ExpectedSlot> due = new ArrayList<>();
        // scripts that share a schedule and a window share its slots: worked out per script, they were most of a tick
        List<Instant> slots = windows.computeIfAbsent(new Window(policy.schedule(), policy.zone(), after, now.minus(grace)),
                w -> CronSchedule.of(w.schedule(), w.zone()).slotsBetween(w.after(), w.until(), SLOTS_PER_SCRIPT));
        for (Instant slot : slots) {
            due.add(new ExpectedSlot(policy.scriptName(), slot, grace));
        }
        if (!due.isEmpty()) {
            decide(state, script, known, due.get(due.size() - 1).slot());
        }
        return due;
    }

    private static Decided stored(KeyValueStore<String, Instant> state, String script) {
        Instant stored = state.get(DECIDED + script);
        return stored == null ? null : new Decided(stored, stored);
    }

    /** Records {@code slot} as the script's last decided; in the state at once if it has none there (see {@link #STORED_LAG}). */
    private Decided decide(KeyValueStore<String, Instant> state, String script, Decided known, Instant slot) {
        Instant stored = known == null ? null : known.stored();
        // a share a tick for those 10 minutes behind; at twice that, always: no script's record is starved by others
        if (stored == null || !slot.isBefore(stored.plus(STORED_LAG.multipliedBy(2)))
                || storesLeft > 0 && !slot.isBefore(stored.plus(STORED_LAG))) {
            state.put(DECIDED + script, slot);
            storesLeft -= stored == null ? 0 : 1;
            stored = slot;
        }
        Decided now = new Decided(slot, stored);
        decided.put(script, now);
        return now;
    }

    /** Forgets the last decided slot of scripts that expect nothing any more (no schedule, paused, removed). */
    public void forgetUnexpected(KeyValueStore<String, Instant> state) {
        List<String> stale = new ArrayList<>();
        try (KeyValueIterator<String, Instant> it = state.range(DECIDED, DECIDED_END)) {
            while (it.hasNext()) {
                String key = it.next().key;
                ScriptPolicy policy = policies.get(key.substring(DECIDED.length()));
                if (policy == null || !policy.expectsRuns()) {
                    stale.add(key);
                }
            }
        }
        stale.forEach(key -> {
            state.delete(key);
            decided.remove(key.substring(DECIDED.length()));
        });
    }

    /** The slots of one schedule in (after, until]. */
    private record Window(String schedule, String zone, Instant after, Instant until) {
    }

    /**
     * {@link #LOOK_BACK}, and no further than a run that kept a slot is surely still stored: it may have started a
     * grace before its slot and ended at once, and retention counts from its end (a minute more for the ticks).
     */
    private Duration lookBack(Duration grace) {
        Duration kept = retention.minus(grace).minus(Duration.ofMinutes(1));
        return kept.isNegative() ? Duration.ZERO : kept.compareTo(LOOK_BACK) < 0 ? kept : LOOK_BACK;
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null ? b : a.isAfter(b) ? a : b;
    }

    /** A check, a check's answer or a missed slot, arrived on {@code partition}. */
    public void handle(ControlRecord kind, Record<String, byte[]> record, int partition) {
        switch (kind) {
            case START_CHECK, START_CHECK_CONTINUE -> answer(values.check(record), partition, record.timestamp());
            case START_CHECK_PART -> collect(values.part(record), record.timestamp());
            case MISSED_SLOT -> {
                MissedSlot missed = values.missed(record);
                runs.recordMissed(missed, missed.slot().missedRunIds(partitions), record.timestamp());
            }
            case CHECK_DONE -> runs.batchDone(values.done(record).checkId(), partition, record.timestamp());
            default -> throw new IllegalArgumentException(kind + " is not a record of a missed-start check");
        }
    }

    /** Checks a missed slot's record where it landed, before it may be moved to the partition of its run. */
    public void checkMissed(Record<String, byte[]> record) {
        values.missed(record);
    }

    /**
     * This partition moved a start to the partition of its run: a check written before the move, or soon after it
     * by another producer, may reach that partition ahead of it, so this partition counts the start for such checks.
     */
    public void forwarded(LifecycleEvent start) {
        ScriptPolicy policy = start.scriptName() == null ? null : policies.get(start.scriptName());
        if (policy == null || !policy.expectsRuns()) {
            return; // no check asks about it
        }
        forwardedStarts.put(start.scriptName() + '\0' + start.time().toEpochMilli() + ':' + start.runId(), clock.get());
    }

    private void answer(StartCheck check, int partition, long timestamp) {
        if (EventPartitions.of(check.checkId(), partitions) == partition) {
            remember(check, timestamp);
        }
        if (!runs.readyToAnswer()) {
            Headers headers = ControlRecord.START_CHECK_CONTINUE.headers();
            headers.add(ControlRecord.PARTITION, String.valueOf(partition).getBytes(StandardCharsets.UTF_8));
            channel.send(check.checkId(), check, headers, timestamp);
            return;
        }
        List<Integer> kept = runs.kept(check.slots());
        Map<String, List<Instant>> forwarded = forwardedSince(check.asOf());
        if (!forwarded.isEmpty()) {
            Set<Integer> keptHereOrMoved = new TreeSet<>(kept);
            for (int i = 0; i < check.slots().size(); i++) {
                ExpectedSlot slot = check.slots().get(i);
                if (forwarded.getOrDefault(slot.scriptName(), List.of()).stream()
                        .anyMatch(start -> !start.isBefore(slot.from()) && !start.isAfter(slot.to()))) {
                    keptHereOrMoved.add(i);
                }
            }
            kept = List.copyOf(keptHereOrMoved);
        }
        StartCheckPart part = new StartCheckPart(check.checkId(), partition, kept, check.slots().hashCode());
        if (check.more()) {
            // more of its tick behind it on this partition: the last one's answer asks for the commit
            channel.sendAhead(check.checkId(), part, ControlRecord.START_CHECK_PART.headers(), timestamp);
        } else {
            channel.send(check.checkId(), part, ControlRecord.START_CHECK_PART.headers(), timestamp);
        }
    }

    /**
     * The starts this partition moved that may reach their partition after a check written at {@code written}, by
     * script; those moved more than {@link #FORWARD_SETTLE} before it reached their partition ahead of that check and
     * of every later one, and are forgotten. Counting a start that also reached its partition is harmless.
     */
    private Map<String, List<Instant>> forwardedSince(Instant written) {
        Map<String, List<Instant>> starts = new HashMap<>();
        List<String> covered = new ArrayList<>();
        Instant settled = written.minus(FORWARD_SETTLE);
        try (KeyValueIterator<String, Instant> it = forwardedStarts.all()) {
            while (it.hasNext()) {
                KeyValue<String, Instant> entry = it.next();
                if (entry.value.isBefore(settled)) {
                    covered.add(entry.key);
                } else {
                    int nul = entry.key.indexOf('\0');
                    int colon = entry.key.indexOf(':', nul);
                    starts.computeIfAbsent(entry.key.substring(0, nul), s -> new ArrayList<>())
                            .add(Instant.ofEpochMilli(Long.parseLong(entry.key.substring(nul + 1, colon))));
                }
            }
        }
        covered.forEach(forwardedStarts::delete);
        return starts;
    }

    /** The check's home read it: it completes once every partition answered. */
    private void remember(StartCheck check, long timestamp) {
        Collecting collecting = collecting(check.checkId());
        if (collecting.complete || collecting.check != null) {
            return; // seen
        }
        collecting.hold(check);
        collecting.answers.entrySet().removeIf(answer -> {
            boolean other = answer.getValue().digest() != collecting.digest; // to another list than the check's
            if (other) {
                checks.delete(partKey(check.checkId(), answer.getKey()));
            }
            return other;
        });
        checks.put(check.checkId(), new StartCheckProgress(check, Map.of(), false, collecting.since));
        completeIfAnswered(collecting, timestamp);
    }

    /** An answer on the home partition, kept under a key of its own; a part seen twice counts once. */
    private void collect(StartCheckPart part, long timestamp) {
        Collecting collecting = collecting(part.checkId());
        if (collecting.complete || collecting.answers.containsKey(part.partition())
                || collecting.check != null && collecting.digest != part.digest()) {
            return; // seen, done, or an answer to another list than the check's
        }
        collecting.answers.put(part.partition(), Answer.of(part));
        storePart(part, collecting.since);
        completeIfAnswered(collecting, timestamp);
    }

    /** Once the check and every answer are in, sends each slot no partition kept, and keeps only that it is done. */
    private void completeIfAnswered(Collecting collecting, long timestamp) {
        StartCheck check = collecting.check;
        if (check == null || collecting.answers.size() < partitions) {
            return;
        }
        BitSet kept = new BitSet();
        collecting.answers.values().forEach(answer -> kept.or(answer.kept()));
        Instant now = clock.get();
        meters.startCheckCompleted(Duration.between(check.asOf(), now));
        boolean missed = false;
        for (int i = 0; i < check.slots().size(); i++) {
            if (!kept.get(i)) {
                ExpectedSlot slot = check.slots().get(i);
                channel.send(slot.missedRunId(), new MissedSlot(slot, check.checkId(), now),
                        ControlRecord.MISSED_SLOT.headers(), timestamp);
                missed = true;
            }
        }
        if (missed) {
            // behind the missed slots on every partition: once each has recorded them, their alerts are all out
            // asks for its commit whatever the check: it carries the missed slots, and its home's thread may see no
            // later record of the tick that asks
            channel.send(check.checkId(), new CheckDone(check.checkId()), ControlRecord.CHECK_DONE.headers(), timestamp);
        }
        // the slots and the answers are no longer needed, only that the check is done, and when
        collecting.answers.keySet().forEach(partition -> checks.delete(partKey(check.checkId(), partition)));
        collecting.done(check);
        checks.put(check.checkId(), new StartCheckProgress(collecting.check, Map.of(), true, collecting.since));
    }

    private void storePart(StartCheckPart part, Instant since) {
        checks.put(partKey(part.checkId(), part.partition()), new StartCheckProgress(null, Map.of(part.partition(), part), false, since));
    }

    /** Where an answer waits on the check's home: after the check's own key, which holds no NUL ({@code Bounds.id}). */
    private static String partKey(String checkId, int partition) {
        return checkId + PART + partition;
    }

    /** A check on its home, as the store holds it: read from the store once, then kept in step with it. */
    private Collecting collecting(String checkId) {
        Collecting known = collecting.get(checkId);
        if (known != null) {
            return known;
        }
        Collecting read = new Collecting();
        StartCheckProgress progress = checks.get(checkId);
        if (progress != null) {
            read.since = progress.since();
            if (progress.complete()) {
                read.done(progress.check());
            } else {
                answersApart(checkId, progress);
                if (progress.check() != null) {
                    read.hold(progress.check());
                }
            }
        }
        if (!read.complete) {
            try (KeyValueIterator<String, StartCheckProgress> it = checks.range(checkId + PART, checkId + PART_END)) {
                while (it.hasNext()) {
                    StartCheckProgress answer = it.next().value;
                    read.since = read.since == null ? answer.since() : read.since;
                    answer.parts().forEach((partition, part) -> read.answers.put(partition, Answer.of(part)));
                }
            }
        }
        read.since = read.since == null ? clock.get() : read.since;
        collecting.put(checkId, read); // once whole: a read that fails leaves nothing half read behind
        return read;
    }

    /** An earlier version kept the answers with the check: under keys of their own from now on. */
    private void answersApart(String checkId, StartCheckProgress progress) {
        if (progress.parts().isEmpty()) {
            return;
        }
        progress.parts().values().forEach(part -> storePart(part, progress.since()));
        if (progress.check() == null) {
            checks.delete(checkId);
        } else {
            checks.put(checkId, new StartCheckProgress(progress.check(), Map.of(), false, progress.since()));
        }
    }

    /**
     * A check its home collects the answers to. Read and written again with each answer, a check of 10,000 slots
     * cost its home 5 ms an answer, a fifth of the check's time (issue 15, B6): its home keeps it in memory instead,
     * the answers under keys of their own. Exactly-once starts the task's processor again on a fresh store.
     */
    private static final class Collecting {
        StartCheck check;
        int digest;
        /** The answers so far, by partition. */
        final Map<Integer, Answer> answers = new TreeMap<>();
        boolean complete;
        /** When its home first heard of it, so that answers to a check that never comes are forgotten too. */
        Instant since;

        void hold(StartCheck read) {
            check = read;
            digest = read.slots().hashCode();
        }

        /** Only that it is done, and when, is left. */
        void done(StartCheck done) {
            complete = true;
            answers.clear();
            check = new StartCheck(done.checkId(), done.asOf(), List.of());
        }
    }

    /**
     * One partition's answer as its home holds it until the check is done: the list it answered and the positions it
     * kept, as bits (1.25 KB for 10,000 slots, where a list of them took about 200 KB of heap).
     */
    private record Answer(int digest, BitSet kept) {
        static Answer of(StartCheckPart part) {
            BitSet kept = new BitSet();
            part.kept().forEach(kept::set);
            return new Answer(part.digest(), kept);
        }
    }

    /**
     * Forgets up to {@code limit} checks written (or, never completed, first heard of) before {@code cutoff}, and moved starts older than a day
     * (those are pruned by the checks themselves too; this bounds them while no check comes). @return how many checks
     */
    public int prune(Instant cutoff, int limit) {
        List<String> stale = new ArrayList<>();
        Instant forgotten = clock.get().minus(FORWARDED_KEPT);
        try (KeyValueIterator<String, Instant> it = forwardedStarts.all()) {
            while (it.hasNext() && stale.size() < limit) {
                KeyValue<String, Instant> entry = it.next();
                if (entry.value.isBefore(forgotten)) {
                    stale.add(entry.key);
                }
            }
        }
        stale.forEach(forwardedStarts::delete);
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, StartCheckProgress> it = checks.all()) {
            while (it.hasNext() && old.size() < limit) {
                KeyValue<String, StartCheckProgress> entry = it.next();
                Instant seen = entry.value.complete() ? entry.value.check().asOf() : entry.value.since();
                if (seen == null || seen.isBefore(cutoff)) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(key -> {
            checks.delete(key);
            int part = key.indexOf(PART);
            collecting.remove(part < 0 ? key : key.substring(0, part));
        });
        return old.size();
    }
}
