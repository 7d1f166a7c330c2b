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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
    /** Slots per check record: far inside what one record of Kafka takes, even with 256-character names. */
    static final int SLOTS_PER_CHECK = 1_000;
    /** How much time one tick covers at most, so that catching up after an outage goes in bounded steps. */
    static final Duration MAX_WINDOW = Duration.ofMinutes(5);
    /** The key of the last checked instant in the scheduler's store: no job name holds a NUL. */
    static final String LAST_CHECKED = "\u0000start-checks";
    private static final DateTimeFormatter CHECK_ID = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The runs of the partition a check arrived on. */
    public interface PartitionRuns {
        /** Whether the partition can tell which runs started when (its indexes are complete); drives a rebuild on. */
        boolean readyToAnswer();

        /** Whether a start of the slot's script, not a missed slot's record, lies within its grace. */
        boolean kept(ExpectedSlot slot);

        /** Records a missed slot as a run, unless it is recorded already. */
        void recordMissed(MissedSlot missed, long timestamp);
    }

    private final KeyValueStore<String, StartCheckProgress> checks;
    private final KeyValueStore<String, Instant> forwardedStarts;
    private final PartitionRuns runs;
    private final ControlChannel channel;
    private final int partitions;
    private final Supplier<Instant> clock;
    private final RunwardenMeters meters;
    private final StartCheckValues values;
    /** Each schedule parsed once per version of it, not once a tick. */
    private final Map<List<String>, CronSchedule> schedules = new HashMap<>();

    public StartChecks(KeyValueStore<String, StartCheckProgress> checks, KeyValueStore<String, Instant> forwardedStarts,
                       PartitionRuns runs, ControlChannel channel, int partitions, RunwardenMeters meters,
                       Supplier<Instant> clock) {
        this.checks = checks;
        this.forwardedStarts = forwardedStarts;
        this.runs = runs;
        this.channel = channel;
        this.partitions = partitions;
        this.clock = clock;
        this.meters = meters;
        this.values = new StartCheckValues(partitions, clock);
    }

    /**
     * On partition 0: writes checks for the slots whose grace ran out since the last tick. The first tick ever only
     * starts the clock; after a restart or failover the changelogged last instant carries on, so no slot is skipped
     * and none is checked twice.
     */
    public void tick(Instant now, ReadOnlyKeyValueStore<String, ScriptPolicy> policies, KeyValueStore<String, Instant> state) {
        Instant last = state.get(LAST_CHECKED);
        if (last == null || !now.isAfter(last)) {
            if (last == null) {
                state.put(LAST_CHECKED, now);
            }
            return;
        }
        Instant until = now.isAfter(last.plus(MAX_WINDOW)) ? last.plus(MAX_WINDOW) : now;
        List<ExpectedSlot> due = due(policies, last, until);
        state.put(LAST_CHECKED, until);
        for (int from = 0, n = 0; from < due.size(); from += SLOTS_PER_CHECK, n++) {
            StartCheck check = new StartCheck("check-" + CHECK_ID.format(until) + "-" + n, now,
                    List.copyOf(due.subList(from, Math.min(due.size(), from + SLOTS_PER_CHECK))));
            channel.send(check.checkId(), check, ControlRecord.START_CHECK.headers(), now.toEpochMilli());
        }
    }

    /**
     * The slots of every expecting script whose grace ends in (last, until], after the script's scheduleSince. Scripts
     * that share a schedule, a timezone and a window share its slots, which are worked out once a tick: with 10,000
     * per-minute scripts, working them out per script was most of a tick's time, every 10 s.
     */
    private List<ExpectedSlot> due(ReadOnlyKeyValueStore<String, ScriptPolicy> policies, Instant last, Instant until) {
        List<ExpectedSlot> due = new ArrayList<>();
        Set<List<String>> used = new HashSet<>();
        Map<Window, List<Instant>> windows = new HashMap<>();
        try (KeyValueIterator<String, ScriptPolicy> it = policies.all()) {
            while (it.hasNext()) {
                ScriptPolicy policy = it.next().value;
                if (!policy.expectsRuns()) {
                    continue;
                }
                List<String> key = List.of(policy.schedule(), policy.zone());
                used.add(key);
                CronSchedule schedule = schedules.computeIfAbsent(key, k -> CronSchedule.of(k.get(0), k.get(1)));
                Duration grace = policy.effectiveStartGrace();
                Instant after = last.minus(grace);
                if (policy.scheduleSince() != null && policy.scheduleSince().isAfter(after)) {
                    after = policy.scheduleSince();
                }
                List<Instant> slots = windows.computeIfAbsent(new Window(key, after, until.minus(grace)),
                        w -> schedule.slotsBetween(w.after(), w.until(), Integer.MAX_VALUE));
                for (Instant slot : slots) {
                    due.add(new ExpectedSlot(policy.scriptName(), slot, grace));
                }
            }
        }
        schedules.keySet().retainAll(used);
        return due;
    }

    /** The slots of one schedule in (after, until]. */
    private record Window(List<String> schedule, Instant after, Instant until) {
    }

    /** A check, a check's answer or a missed slot, arrived on {@code partition}. */
    public void handle(ControlRecord kind, Record<String, byte[]> record, int partition) {
        switch (kind) {
            case START_CHECK, START_CHECK_CONTINUE -> answer(values.check(record), partition, record.timestamp());
            case START_CHECK_PART -> collect(values.part(record), record.timestamp());
            case MISSED_SLOT -> runs.recordMissed(values.missed(record), record.timestamp());
            default -> throw new IllegalArgumentException(kind + " is not a record of a missed-start check");
        }
    }

    /** Checks a missed slot's record where it landed, before it may be moved to the partition of its run. */
    public void checkMissed(Record<String, byte[]> record) {
        values.missed(record);
    }

    /**
     * This partition moved a start to the partition of its run: a check written before the move may reach that
     * partition ahead of it, so this partition counts the start for such checks itself.
     */
    public void forwarded(LifecycleEvent start) {
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
        Map<String, List<Instant>> forwarded = forwardedSince(check.asOf());
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < check.slots().size(); i++) {
            ExpectedSlot slot = check.slots().get(i);
            if (runs.kept(slot) || forwarded.getOrDefault(slot.scriptName(), List.of()).stream()
                    .anyMatch(start -> !start.isBefore(slot.from()) && !start.isAfter(slot.to()))) {
                kept.add(i);
            }
        }
        channel.send(check.checkId(), new StartCheckPart(check.checkId(), partition, kept),
                ControlRecord.START_CHECK_PART.headers(), timestamp);
    }

    /**
     * The starts this partition moved at or after a check was written, by script; those moved before it reached their
     * partition ahead of that check and of every later one, and are forgotten.
     */
    private Map<String, List<Instant>> forwardedSince(Instant written) {
        Map<String, List<Instant>> starts = new HashMap<>();
        List<String> covered = new ArrayList<>();
        try (KeyValueIterator<String, Instant> it = forwardedStarts.all()) {
            while (it.hasNext()) {
                KeyValue<String, Instant> entry = it.next();
                if (entry.value.isBefore(written)) {
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

    private void remember(StartCheck check, long timestamp) {
        StartCheckProgress progress = checks.get(check.checkId());
        if (progress == null) {
            checks.put(check.checkId(), new StartCheckProgress(check, new TreeMap<>(), false));
        } else if (progress.check() == null) {
            complete(new StartCheckProgress(check, progress.parts(), false), timestamp);
        }
    }

    /** An answer on the home partition; a part seen twice counts once. */
    private void collect(StartCheckPart part, long timestamp) {
        StartCheckProgress progress = checks.get(part.checkId());
        if (progress != null && (progress.complete() || progress.parts().containsKey(part.partition()))) {
            return;
        }
        Map<Integer, StartCheckPart> parts = new TreeMap<>(progress == null ? Map.of() : progress.parts());
        parts.put(part.partition(), part);
        complete(new StartCheckProgress(progress == null ? null : progress.check(), parts, false), timestamp);
    }

    /** Stores the progress; once the check and every answer are in, sends each slot no partition kept. */
    private void complete(StartCheckProgress progress, long timestamp) {
        StartCheck check = progress.check();
        if (check == null || progress.parts().size() < partitions) {
            checks.put(check == null ? progress.parts().values().iterator().next().checkId() : check.checkId(), progress);
            return;
        }
        Set<Integer> kept = new HashSet<>();
        progress.parts().values().forEach(part -> kept.addAll(part.kept()));
        Instant now = clock.get();
        meters.startCheckCompleted(Duration.between(check.asOf(), now));
        for (int i = 0; i < check.slots().size(); i++) {
            if (!kept.contains(i)) {
                ExpectedSlot slot = check.slots().get(i);
                channel.send(slot.missedRunId(), new MissedSlot(slot, check.checkId(), now),
                        ControlRecord.MISSED_SLOT.headers(), timestamp);
            }
        }
        // the slots themselves are no longer needed, only that the check is done, and when
        checks.put(check.checkId(), new StartCheckProgress(new StartCheck(check.checkId(), check.asOf(), List.of()),
                Map.of(), true));
    }

    /** Forgets up to {@code limit} completed checks written before {@code cutoff}. @return how many */
    public int prune(Instant cutoff, int limit) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, StartCheckProgress> it = checks.all()) {
            while (it.hasNext() && old.size() < limit) {
                KeyValue<String, StartCheckProgress> entry = it.next();
                if (entry.value.complete() && entry.value.check().asOf().isBefore(cutoff)) {
                    old.add(entry.key);
                }
            }
        }
        old.forEach(checks::delete);
        return old.size();
    }
}
