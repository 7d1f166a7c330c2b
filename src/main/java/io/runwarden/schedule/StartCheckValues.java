package io.runwarden.schedule;

import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidEventException;
import io.runwarden.model.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Record;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Reads the value of a check's record and checks it as strictly as an event: anyone who can write to
 * {@code script-events} can write one, and a malformed one must not stop the stream. A well-formed missed slot is
 * trusted as much as a {@code failed} event of the same writer would be: whoever may write events may report facts.
 */
final class StartCheckValues {
    /** Check ids are generated ("check-", a time, a random part and a number): far shorter than this. */
    private static final int MAX_CHECK_ID_CHARS = 64;
    /** How far a check's time may lie ahead of this instance's clock, as a sweep's. */
    private static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);

    /**
     * Twice what a check holds ({@link CheckChunks}), for those an earlier version cut by count alone: its home keeps
     * it in a changelogged record, which must stay within what Kafka takes.
     */
    private static final int MAX_CHECK_BYTES = 2 * CheckChunks.MAX_BYTES;

    private final int partitions;
    private final Supplier<Instant> clock;

    StartCheckValues(int partitions, Supplier<Instant> clock) {
        this.partitions = partitions;
        this.clock = clock;
    }

    StartCheck check(Record<String, byte[]> record) {
        if (record.value() != null && record.value().length > MAX_CHECK_BYTES) {
            throw invalid("a check is at most " + MAX_CHECK_BYTES + " bytes");
        }
        StartCheck check = read(record, StartCheck.class);
        checkId(check.checkId(), record.key());
        if (check.asOf() == null || check.slots() == null || check.slots().size() > StartChecks.SLOTS_PER_CHECK) {
            throw invalid("a check needs asOf and at most " + StartChecks.SLOTS_PER_CHECK + " slots");
        }
        instant(check.asOf());
        check.slots().forEach(this::slot);
        if (check.slots().stream().anyMatch(slot -> slot.to().isAfter(check.asOf()))) {
            throw invalid("a check may only judge slots whose grace ran out by its asOf");
        }
        return check;
    }

    StartCheckPart part(Record<String, byte[]> record) {
        StartCheckPart part = read(record, StartCheckPart.class);
        checkId(part.checkId(), record.key());
        if (part.partition() < 0 || part.partition() >= partitions || part.kept() == null
                || part.kept().size() > StartChecks.SLOTS_PER_CHECK || part.kept().stream().distinct().count() != part.kept().size()
                || part.kept().stream().anyMatch(i -> i == null || i < 0 || i >= StartChecks.SLOTS_PER_CHECK)) {
            throw invalid("a check's part needs a partition from 0 to " + (partitions - 1) + " and the positions it kept");
        }
        return part;
    }

    /** The end of a check, keyed by its checkId. */
    CheckDone done(Record<String, byte[]> record) {
        CheckDone done = read(record, CheckDone.class);
        checkId(done.checkId(), record.key());
        return done;
    }

    /** A missed slot, which must be keyed by the runId it records. */
    MissedSlot missed(Record<String, byte[]> record) {
        MissedSlot missed = read(record, MissedSlot.class);
        if (missed.slot() == null || missed.foundAt() == null) {
            throw invalid("a missed slot needs slot and foundAt");
        }
        slot(missed.slot());
        instant(missed.foundAt());
        checkId(missed.checkId(), missed.checkId()); // its alert names the check that found it
        if (!missed.slot().missedRunId().equals(record.key())) {
            throw invalid("a missed slot must be keyed by its runId");
        }
        return missed;
    }

    private void slot(ExpectedSlot slot) {
        if (slot == null || slot.scriptName() == null || slot.slot() == null || slot.grace() == null) {
            throw invalid("an expected slot needs scriptName, slot and grace");
        }
        if (slot.slot().getNano() % 1_000_000 != 0) {
            // a check's home keeps it as written, to the millisecond: it would answer to another list than the others
            throw invalid("an expected slot is a whole millisecond");
        }
        try {
            Bounds.id(slot.scriptName());
            Bounds.instant(slot.slot());
            Bounds.duration(slot.grace());
        } catch (IllegalArgumentException e) {
            throw invalid("an expected slot: " + e.getMessage());
        }
    }

    private void instant(Instant value) {
        try {
            Bounds.instant(value);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
        if (value.isAfter(clock.get().plus(MAX_CLOCK_SKEW))) {
            throw invalid(value + " is later than now: a check may not judge slots whose grace has not run out");
        }
    }

    private static void checkId(String checkId, String key) {
        if (checkId == null || checkId.isBlank() || checkId.length() > MAX_CHECK_ID_CHARS || !checkId.equals(key)) {
            throw invalid("a check's records are keyed by its checkId, of 1 to " + MAX_CHECK_ID_CHARS + " characters");
        }
        try {
            Bounds.id(checkId);
        } catch (IllegalArgumentException e) {
            throw invalid("checkId " + e.getMessage());
        }
    }

    private static <T> T read(Record<String, byte[]> record, Class<T> type) {
        try {
            T value = record.value() == null ? null : Json.read(record.value(), type);
            if (value == null) {
                throw invalid("control record without a value");
            }
            return value;
        } catch (SerializationException e) {
            throw invalid("control record is not a valid " + type.getSimpleName());
        }
    }

    private static InvalidEventException invalid(String message) {
        return new InvalidEventException("bad-control", message);
    }
}
