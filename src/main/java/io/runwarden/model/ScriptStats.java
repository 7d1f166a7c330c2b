package io.runwarden.model;

import java.time.Instant;

/**
 * What the dashboard shows of one script, kept per partition and merged at query time: counts by status, the
 * latest run, when its oldest run still in progress started, and the latest start the script reported (missed
 * slots, which are runs too, are not starts).
 */
public record ScriptStats(String scriptName, long inProgress, long success, long failed, RunRecord latestRun,
                          Instant oldestInProgress, Instant lastStart) {

    public static ScriptStats empty(String scriptName) {
        return new ScriptStats(scriptName, 0, 0, 0, null, null, null);
    }

    public ScriptStats count(RunStatus status, long delta) {
        return switch (status) {
            case IN_PROGRESS -> new ScriptStats(scriptName, inProgress + delta, success, failed, latestRun, oldestInProgress, lastStart);
            case SUCCESS -> new ScriptStats(scriptName, inProgress, success + delta, failed, latestRun, oldestInProgress, lastStart);
            case FAILED -> new ScriptStats(scriptName, inProgress, success, failed + delta, latestRun, oldestInProgress, lastStart);
        };
    }

    public ScriptStats withLatestRun(RunRecord run) {
        return new ScriptStats(scriptName, inProgress, success, failed, run, oldestInProgress, lastStart);
    }

    public ScriptStats withOldestInProgress(Instant value) {
        return new ScriptStats(scriptName, inProgress, success, failed, latestRun, value, lastStart);
    }

    public ScriptStats withLastStart(Instant value) {
        return new ScriptStats(scriptName, inProgress, success, failed, latestRun, oldestInProgress, value);
    }

    /** Two partitions' stats of the same script as one. */
    public ScriptStats merge(ScriptStats other) {
        RunRecord latest = latestRun == null ? other.latestRun
                : other.latestRun == null ? latestRun
                : RunTimes.newer(other.latestRun, latestRun) ? other.latestRun : latestRun;
        return new ScriptStats(scriptName, inProgress + other.inProgress, success + other.success,
                failed + other.failed, latest, earlier(oldestInProgress, other.oldestInProgress),
                later(lastStart, other.lastStart));
    }

    /** Whether a run is a start the script reported: it has a start time, and is not a missed slot's record. */
    public static boolean isStart(RunRecord run) {
        return run != null && run.startTime() != null && run.failureReason() != FailureReason.MISSED;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null ? b : b == null || a.isBefore(b) ? a : b;
    }

    private static Instant later(Instant a, Instant b) {
        return a == null ? b : b == null || a.isAfter(b) ? a : b;
    }
}
