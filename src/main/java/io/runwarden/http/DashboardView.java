package io.runwarden.http;

import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptStats;
import io.runwarden.schedule.ScheduleState;
import io.runwarden.service.ScriptSummary;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * The dashboard view's answer: every script with its latest run, its counts and where it stands against its schedule.
 * Each script's JSON is kept from one rendering to the next while its summary is unchanged, and only the age of its
 * oldest run in progress, the one field that moves with the clock alone, is written each time, as the object's last
 * field. Rendered whole, 10,000 scripts were Jackson's 5 MB of JSON and 19 MB of garbage each second under steady
 * reads, a young collection a second (JFR of B3). The answer is written straight into a buffer of its exact size
 * ({@link ViewCache} says where). The pieces hold about the view's size on the heap, with the summaries they were
 * written from.
 */
final class DashboardView {
    /** The deadline and last heartbeat let the dashboard page show how close a run in progress is to its timeout. */
    record DashboardRun(String runId, RunStatus status, FailureReason failureReason, Instant startTime, Instant endTime,
                        String message, Instant deadline, Instant lastHeartbeat) {
        static DashboardRun of(RunRecord run) {
            return run == null ? null : new DashboardRun(run.runId(), run.status(), run.failureReason(), run.startTime(),
                    run.endTime(), run.message(), run.deadline(), run.lastHeartbeat());
        }
    }

    record Counts(long inProgress, long success, long failed, long total) {
    }

    /**
     * A script but for {@code oldestInProgressAge}, which {@link #render} adds. A script with a schedule also has
     * {@code schedule}, {@code timezone}, {@code nextExpectedStart} and {@code state}.
     */
    record DashboardScript(String scriptName, RunStatus status, DashboardRun latestRun, Counts counts,
                           Instant oldestInProgressStart, Instant lastStart, String schedule, String timezone,
                           Instant nextExpectedStart, ScheduleState state) {
        static DashboardScript of(ScriptSummary summary) {
            ScriptStats stats = summary.stats();
            ScriptSummary.Expectation expected = summary.expectation();
            return new DashboardScript(stats.scriptName(), stats.latestRun() == null ? null : stats.latestRun().status(),
                    DashboardRun.of(stats.latestRun()),
                    new Counts(stats.inProgress(), stats.success(), stats.failed(),
                            stats.inProgress() + stats.success() + stats.failed()),
                    stats.oldestInProgress(), stats.lastStart(),
                    expected == null ? null : expected.schedule(), expected == null ? null : expected.timezone(),
                    expected == null ? null : expected.nextExpectedStart(), expected == null ? null : expected.state());
        }
    }

    /** The answer's shape around the scripts, as Jackson writes it. */
    record Dashboard(List<DashboardScript> scripts, Instant generatedAt) {
    }

    private static final byte[] AGE = ",\"oldestInProgressAge\":".getBytes(StandardCharsets.US_ASCII);

    /** A script's JSON up to its age's value, and the summary it was written from. */
    private record Piece(ScriptSummary summary, byte[] json) {
    }

    /** Replaced whole by each rendering, so that scripts gone from the view are let go; renderings may run side by side. */
    private volatile Map<String, Piece> pieces = Map.of();
    private final LongAdder scriptsWritten = new LongAdder();

    /**
     * @param summaries every script, in any order
     * @param now       the view's {@code generatedAt}, from which ages are counted
     * @param allocate  a buffer of the given size
     */
    ByteBuffer render(List<ScriptSummary> summaries, Instant now, IntFunction<ByteBuffer> allocate) {
        List<ScriptSummary> sorted = summaries.stream().sorted(Comparator.comparing(summary -> summary.stats().scriptName()))
                .toList();
        Map<String, Piece> last = pieces;
        Map<String, Piece> kept = new HashMap<>(sorted.size() * 2);
        Piece[] chosen = new Piece[sorted.size()];
        byte[][] ages = new byte[sorted.size()][];
        byte[] empty = Json.bytes(new Envelope.Ok(true, new Dashboard(List.of(), now)));
        int open = new String(empty, StandardCharsets.US_ASCII).indexOf('[') + 1; // names, a boolean and an instant
        long size = empty.length;
        for (int i = 0; i < chosen.length; i++) {
            ScriptSummary summary = sorted.get(i);
            String name = summary.stats().scriptName();
            Piece piece = last.get(name);
            if (piece == null || !piece.summary().equals(summary)) {
                byte[] json = Json.bytes(DashboardScript.of(summary));
                scriptsWritten.increment();
                byte[] head = Arrays.copyOf(json, json.length - 1 + AGE.length); // in place of the closing brace
                System.arraycopy(AGE, 0, head, json.length - 1, AGE.length);
                piece = new Piece(summary, head);
            }
            kept.put(name, piece);
            chosen[i] = piece;
            ages[i] = Json.bytes(age(summary.stats().oldestInProgress(), now));
            size += (i == 0 ? 0 : 1) + piece.json().length + ages[i].length + 1;
        }
        pieces = kept;
        ByteBuffer view = allocate.apply(Math.toIntExact(size)).put(empty, 0, open);
        for (int i = 0; i < chosen.length; i++) {
            if (i > 0) {
                view.put((byte) ',');
            }
            view.put(chosen[i].json()).put(ages[i]).put((byte) '}');
        }
        return view.put(empty, open, empty.length - open).flip();
    }

    /** How many scripts' JSON this view has written, not counting those it kept. */
    long scriptsWritten() {
        return scriptsWritten.sum();
    }

    /** A start ahead of this clock (a skewed host) is no age at all, not a negative one. */
    private static Duration age(Instant start, Instant now) {
        if (start == null) {
            return null;
        }
        return start.isAfter(now) ? Duration.ZERO : Duration.between(start, now).truncatedTo(ChronoUnit.SECONDS);
    }
}
