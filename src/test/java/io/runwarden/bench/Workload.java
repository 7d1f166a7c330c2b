package io.runwarden.bench;

import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** The events the benchmarks produce: runs spread over many scripts, in the JSON scripts really send. */
final class Workload {
    static final int SCRIPTS = 10_000;

    private final BenchKafka kafka;

    Workload(BenchKafka kafka) {
        this.kafka = kafka;
    }

    static String script(long run) {
        return "script-" + (run % SCRIPTS);
    }

    void started(String runId, String script, Instant time) {
        send(runId, "{\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + time + "\"}");
    }

    void heartbeat(String runId, Instant time) {
        send(runId, "{\"event\":\"heartbeat\",\"time\":\"" + time + "\"}");
    }

    void succeeded(String runId, Instant time) {
        send(runId, "{\"event\":\"succeeded\",\"time\":\"" + time + "\",\"message\":\"42 rows\"}");
    }

    /** Whole runs (start, heartbeat, success), 1,000 runs at a time so that a run's events are near each other. */
    long completeRuns(String prefix, int runs, Instant now) {
        for (int from = 0; from < runs; from += 1000) {
            int to = Math.min(runs, from + 1000);
            for (int i = from; i < to; i++) {
                started(prefix + i, script(i), now.minusSeconds(600));
            }
            for (int i = from; i < to; i++) {
                heartbeat(prefix + i, now.minusSeconds(300));
            }
            for (int i = from; i < to; i++) {
                succeeded(prefix + i, now.minusSeconds(10));
            }
        }
        kafka.flush();
        return 3L * runs;
    }

    /** Stored runs as the sweep finds them: half still in progress (not due), half finished. */
    void storedRuns(String prefix, int from, int to, Instant now) {
        for (int i = from; i < to; i++) {
            String runId = prefix + i;
            Instant start = now.minusSeconds(i % 3600);
            started(runId, script(i), start);
            if (i % 2 == 1) {
                succeeded(runId, now);
            }
        }
        kafka.flush();
    }

    /** Runs that started before their deadline passed: what a sweep must fail. */
    void staleRuns(String prefix, int count, Instant startedAt) {
        for (int i = 0; i < count; i++) {
            started(prefix + i, script(i), startedAt);
        }
        kafka.flush();
    }

    /**
     * The first {@code scripts} scripts' policies, written straight to {@code script-policies} as the API writes them
     * (key the script's name, value the policy's JSON), {@code scheduleSince} = {@code since}.
     */
    void policies(int scripts, String schedule, Duration startGrace, Instant since) {
        for (int i = 0; i < scripts; i++) {
            String name = script(i);
            kafka.send(Topics.SCRIPT_POLICIES, name, Json.bytes(new ScriptPolicy(name, null, schedule, null, startGrace, false, since)));
        }
        kafka.flush();
    }

    /**
     * One slot's runs: every one of the first {@code scripts} scripts but one in {@code missEvery} (another one each
     * {@code round}) starts within a second after the slot and succeeds a second after it. @return the scripts without a run
     */
    int slotRuns(String prefix, int scripts, Instant slot, int round, int missEvery) {
        int missed = 0;
        for (int i = 0; i < scripts; i++) {
            if ((i + round) % missEvery == 0) {
                missed++;
            } else {
                started(prefix + i, script(i), slot.plusMillis(i % 1000));
            }
        }
        for (int i = 0; i < scripts; i++) {
            if ((i + round) % missEvery != 0) {
                succeeded(prefix + i, slot.plusSeconds(1));
            }
        }
        kafka.flush();
        return missed;
    }

    private void send(String runId, String json) {
        kafka.send(Topics.SCRIPT_EVENTS, runId, json.getBytes(StandardCharsets.UTF_8));
    }
}
