package io.runwarden.model;

import java.time.Instant;

/**
 * What the dashboard shows of one script, kept per partition and merged at query time: counts by status, the
 * latest run, and when its oldest run still in progress started.
 */
public record ScriptStats(String scriptName, long inProgress, long success, long failed, RunRecord latestRun,
                          Instant oldestInProgress) {

    public static ScriptStats empty(String scriptName) {
        return new ScriptStats(scriptName, 0, 0, 0, null, null);
    }

    public ScriptStats count(RunStatus status, long delta) {
        return switch (status) {
            case IN_PROGRESS -> new ScriptStats(scriptName, inProgress + delta, success, failed, latestRun, oldestInProgress);
            case SUCCESS -> new ScriptStats(scriptName, inProgress, success + delta, failed, latestRun, oldestInProgress);
            case FAILED -> new ScriptStats(scriptName, inProgress, success, failed + delta, latestRun, oldestInProgress);
        };
    }

    public ScriptStats withLatestRun(RunRecord run) {
        return new ScriptStats(scriptName, inProgress, success, failed, run, oldestInProgress);
    }

    public ScriptStats withOldestInProgress(Instant value) {
        return new ScriptStats(scriptName, inProgress, success, failed, latestRun, value);
    }

    /** Two partitions' stats of the same script as one. */
    public ScriptStats merge(ScriptStats other) {
        RunRecord latest = latestRun == null ? other.latestRun
                : other.latestRun == null ? latestRun
                : RunTimes.newer(other.latestRun, latestRun) ? other.latestRun : latestRun;
        Instant oldest = oldestInProgress == null ? other.oldestInProgress
                : other.oldestInProgress == null || oldestInProgress.isBefore(other.oldestInProgress)
                ? oldestInProgress : other.oldestInProgress;
        return new ScriptStats(scriptName, inProgress + other.inProgress, success + other.success,
                failed + other.failed, latest, oldest);
    }
}
