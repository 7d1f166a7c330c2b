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
        if (latestRunId == null) {
            return true;
        }
        long time = RunTimes.sortTime(run).toEpochMilli();
        return time != latestTime ? time > latestTime : CodePointOrder.compare(run.runId(), latestRunId) < 0;
    }

    /** Two partitions' stats of the same script as one: the later latest run, as {@link ScriptStats#merge} picks it. */
    StoredStats merge(StoredStats other) {
        boolean theirs = latestRunId == null || other.latestRunId != null && (other.latestTime != latestTime
                ? other.latestTime > latestTime : CodePointOrder.compare(other.latestRunId, latestRunId) < 0);
        return new StoredStats(inProgress + other.inProgress, success + other.success, failed + other.failed,
                theirs ? other.latestRunId : latestRunId, theirs ? other.latestTime : latestTime,
                earlier(oldestInProgress, other.oldestInProgress), later(lastStart, other.lastStart));
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
        long[] numbers = new long[6];
        String[] texts = new String[6];
        int from = 0;
        for (int i = 0; i < numbers.length; i++) {
            int to = text.indexOf(SEPARATOR, from);
            texts[i] = text.substring(from, to);
            numbers[i] = texts[i].isEmpty() ? 0 : Long.parseLong(texts[i]);
            from = to + 1;
        }
        String latest = text.substring(from);
        return new StoredStats(numbers[0], numbers[1], numbers[2], latest.isEmpty() ? null : latest, numbers[5],
                texts[3].isEmpty() ? null : Instant.ofEpochMilli(numbers[3]),
                texts[4].isEmpty() ? null : Instant.ofEpochMilli(numbers[4]));
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
