package io.runwarden.runs;

import io.runwarden.model.CodePointOrder;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;

import java.time.Instant;

/**
 * One partition's stats of one script as its indexes store them: the counts, the times, and which run is the latest,
 * by its id and listing time; the run itself stays in the runs' store. A line of text a few dozen bytes long, not the
 * JSON of {@link ScriptStats} with the whole latest run in it, which was written again at every event and read back
 * at the next (a fifth of applying one) and made up most of a rebuild. Instants are kept to the millisecond, as every
 * stored instant is.
 */
record StoredStats(long inProgress, long success, long failed, String latestRunId, long latestTime,
                   Instant oldestInProgress, Instant lastStart) {
    private static final char SEPARATOR = '|';

    static final StoredStats EMPTY = new StoredStats(0, 0, 0, null, 0, null, null);

    StoredStats count(RunStatus status, long delta) {
        return switch (status) {
            case IN_PROGRESS -> new StoredStats(inProgress + delta, success, failed, latestRunId, latestTime, oldestInProgress, lastStart);
            case SUCCESS -> new StoredStats(inProgress, success + delta, failed, latestRunId, latestTime, oldestInProgress, lastStart);
            case FAILED -> new StoredStats(inProgress, success, failed + delta, latestRunId, latestTime, oldestInProgress, lastStart);
        };
    }

    long runs() {
        return inProgress + success + failed;
    }

    /** @param run null when the script has no run left */
    StoredStats withLatestRun(RunRecord run) {
        return new StoredStats(inProgress, success, failed, run == null ? null : run.runId(),
                run == null ? 0 : RunTimes.sortTime(run).toEpochMilli(), oldestInProgress, lastStart);
    }

    StoredStats withOldestInProgress(Instant value) {
        return new StoredStats(inProgress, success, failed, latestRunId, latestTime, millis(value), lastStart);
    }

    StoredStats withLastStart(Instant value) {
        return new StoredStats(inProgress, success, failed, latestRunId, latestTime, oldestInProgress, millis(value));
    }

    /** Whether {@code run} comes before the latest run in the logs' order ({@link RunTimes#newer}), or there is none. */
    boolean latestIsOlderThan(RunRecord run) {
        return latestRunId == null || newer(RunTimes.sortTime(run).toEpochMilli(), run.runId(), latestTime, latestRunId);
    }

    /** Two partitions' stats of the same script as one: the later latest run, as {@link ScriptStats#merge} picks it. */
    StoredStats merge(StoredStats other) {
        boolean theirs = latestRunId == null
                || other.latestRunId != null && newer(other.latestTime, other.latestRunId, latestTime, latestRunId);
        return new StoredStats(inProgress + other.inProgress, success + other.success, failed + other.failed,
                theirs ? other.latestRunId : latestRunId, theirs ? other.latestTime : latestTime,
                earlier(oldestInProgress, other.oldestInProgress), later(lastStart, other.lastStart));
    }

    /** {@link RunTimes#newer} on what is stored of a run: later first, then the smaller runId in code point order. */
    private static boolean newer(long time, String runId, long otherTime, String otherRunId) {
        return time != otherTime ? time > otherTime : CodePointOrder.compare(runId, otherRunId) < 0;
    }

    /** The dashboard's form, with the latest run as the runs' store holds it. */
    ScriptStats toScriptStats(String scriptName, RunRecord latestRun) {
        return new ScriptStats(scriptName, inProgress, success, failed, latestRun, oldestInProgress, lastStart);
    }

    String encode() {
        return new StringBuilder(64).append(inProgress).append(SEPARATOR).append(success).append(SEPARATOR)
                .append(failed).append(SEPARATOR).append(epochMillis(oldestInProgress)).append(SEPARATOR)
                .append(epochMillis(lastStart)).append(SEPARATOR).append(latestTime).append(SEPARATOR)
                .append(latestRunId == null ? "" : latestRunId).toString();
    }

    /** The runId comes last, whole: it may hold the separator. */
    static StoredStats decode(String text) {
        String[] fields = text.split("\\" + SEPARATOR, 7);
        return new StoredStats(Long.parseLong(fields[0]), Long.parseLong(fields[1]), Long.parseLong(fields[2]),
                fields[6].isEmpty() ? null : fields[6], Long.parseLong(fields[5]), instant(fields[3]), instant(fields[4]));
    }

    private static Instant instant(String epochMillis) {
        return epochMillis.isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(epochMillis));
    }

    private static String epochMillis(Instant instant) {
        return instant == null ? "" : Long.toString(instant.toEpochMilli());
    }

    private static Instant millis(Instant instant) {
        return instant == null ? null : Instant.ofEpochMilli(instant.toEpochMilli());
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
