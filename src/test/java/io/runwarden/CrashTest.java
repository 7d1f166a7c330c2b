package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.model.FailureReason;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.EventPartitions;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The service as a process of its own against a broker in another, killed with SIGKILL at random moments and
 * restarted, the broker restarted once, while a producer sends 100,000+ events and sweeps run. Afterwards every
 * run must be in the state an oracle computes from the events sent, and every timed-out run announced once.
 */
@IntegrationTest
class CrashTest {
    private static final long SEED = 20261128L;
    private static final int FRESH_RUNS = 4_500;
    private static final int STALE_RUNS = 600;
    private static final int HEARTBEATS = 12;
    private static final String TIMEOUT_MESSAGE = "Script marked as failed - exceeded 3 day timeout";

    @TempDir
    Path dir;

    record Expected(String scriptName, RunStatus status, Instant startTime, String message, FailureReason failureReason) {
    }

    @Test
    void nothingIsLostOrDoubledAcrossKillsAndABrokerRestart() throws Exception {
        int brokerPort = LoopbackPorts.free();
        int httpPort = LoopbackPorts.free();
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort)), Map.of(), dir.resolve("broker.log"), "BROKER READY")
                .start(Patience.START);
        String bootstrap = "127.0.0.1:" + brokerPort;
        JavaProcess service = new JavaProcess(Main.class, List.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "RUNWARDEN_DATA_DIR", dir.resolve("service").toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(httpPort),
                "RUNWARDEN_APPLICATION_ID", "runwarden-crash",
                // a killed member never says goodbye: let the broker notice it within seconds, not 45 s
                "RUNWARDEN_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "RUNWARDEN_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"), dir.resolve("service.log"), "runwarden ready in")
                .start(Patience.START);
        HttpTestClient http = new HttpTestClient(httpPort, null);

        Random random = new Random(SEED);
        List<String[]> events = new ArrayList<>();
        Map<String, Expected> oracle = workload(random, events);
        assertThat(events).hasSizeGreaterThanOrEqualTo(60_000);

        AtomicBoolean producing = new AtomicBoolean(true);
        Thread sweeper = new Thread(() -> {
            while (producing.get()) {
                try {
                    http.post("/script/cleanup-stale?timeout=PT1S", null);
                } catch (AssertionError | RuntimeException serviceDown) {
                    // the service is being killed: the sweep, if written, completes after the restart
                }
                sleep(1_500); // the pace of the sweeps, not a wait for anything
            }
        });
        int kills = 0;
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap)) {
            sweeper.start();
            for (int i = 0; i < events.size(); i++) {
                kafka.send(Topics.SCRIPT_EVENTS, events.get(i)[0], events.get(i)[1]);
                if (i % 16_000 == 4_000) {
                    kafka.flush();
                    Thread.sleep(500 + random.nextInt(2_500)); // a random moment to kill it at: the test's own chaos, not a wait
                    if (kills == 1) {
                        long down = System.nanoTime();
                        broker.stop();
                        broker.start(Patience.RESTART);
                        System.out.printf("broker restarted in %d ms under load%n", (System.nanoTime() - down) / 1_000_000);
                        // the service applies events again before it is killed: a SIGKILL in the very moment its
                        // producer comes back to a restarted broker can leave a transaction that Kafka does not abort
                        // for minutes, and the next start cannot read its committed offsets (see the closing note of
                        // issue 10); that is Kafka's recovery, not what this test is about. A probe on every
                        // partition, so that each stream thread's producer is back, however many there are
                        List<String> probes = probeOnEachPartition(kafka.partitions(Topics.SCRIPT_EVENTS));
                        probes.forEach(probe -> kafka.send(Topics.SCRIPT_EVENTS, probe,
                                "{\"scriptName\":\"probe\",\"event\":\"started\"}"));
                        kafka.flush();
                        await().atMost(Patience.RESTART).pollInterval(Duration.ofMillis(500))
                                .until(() -> probes.stream().allMatch(probe -> http.get("/script/logs/" + probe).status() == 200));
                    }
                    service.kill();
                    kills++;
                    long restart = System.nanoTime();
                    service.start(Patience.RESTART);
                    System.out.printf("kill %d after %d events: ready again in %d ms%n", kills, i + 1,
                            (System.nanoTime() - restart) / 1_000_000);
                }
            }
            kafka.flush();
            producing.set(false);
            sweeper.interrupt(); // ends its pause between sweeps now rather than up to 1.5 s later
            sweeper.join();
            assertThat(kills).isGreaterThanOrEqualTo(3);

            // one last sweep, after every event was written: every stale run is due by now
            await().atMost(Patience.DRAIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                    .until(() -> http.post("/script/cleanup-stale?timeout=" + Patience.SWEEP, null).status() == 200);
            await().atMost(Patience.DRAIN).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(2))
                    .until(() -> mismatches(oracle, kafka.latestRuns()).isEmpty());

            Map<String, RunRecord> runs = kafka.latestRuns();
            assertThat(mismatches(oracle, runs)).isEmpty();
            List<RunFailure> failures = kafka.readAll(Topics.SCRIPT_RUN_FAILURES).stream()
                    .map(r -> Json.read(r.value(), RunFailure.class)).toList();
            Map<String, Long> perRun = failures.stream().collect(Collectors.groupingBy(RunFailure::runId, Collectors.counting()));
            Set<String> timedOut = oracle.entrySet().stream().filter(e -> FailureReason.TIMEOUT.equals(e.getValue().failureReason()))
                    .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
            assertThat(perRun.keySet()).isEqualTo(timedOut);
            assertThat(perRun.values()).allMatch(count -> count == 1);
            System.out.printf("%d events over %d runs, %d SIGKILLs, 1 broker restart: %d runs as the oracle says,"
                    + " %d timeout failures each announced once%n", events.size(), oracle.size(), kills, oracle.size(), perRun.size());
        } finally {
            producing.set(false);
            service.stop();
            broker.stop();
        }
    }

    /** runIds whose keys fall on each of the partitions, one apiece. */
    private static List<String> probeOnEachPartition(int partitions) {
        Map<Integer, String> probes = new TreeMap<>();
        for (int i = 0; probes.size() < partitions; i++) {
            String probe = "probe-after-broker-restart-" + i;
            probes.putIfAbsent(EventPartitions.of(probe, partitions), probe);
        }
        return List.copyOf(probes.values());
    }

    /** Fills {@code events} (key, JSON) in send order and returns each run's expected final state. */
    private static Map<String, Expected> workload(Random random, List<String[]> events) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Map<String, Expected> oracle = new HashMap<>();
        List<List<String[]>> perRun = new ArrayList<>();
        for (int i = 0; i < STALE_RUNS; i++) {
            String runId = "stale-" + i;
            String script = "stale-script-" + (i % 20);
            Instant start = now.minus(Duration.ofDays(4)).minusSeconds(random.nextInt(86_400));
            List<String[]> runEvents = new ArrayList<>();
            runEvents.add(event(runId, "{\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + start + "\"}"));
            if (random.nextInt(5) == 0) {
                runEvents.add(runEvents.get(0));
            }
            perRun.add(runEvents);
            oracle.put(runId, new Expected(script, RunStatus.FAILED, start, TIMEOUT_MESSAGE, FailureReason.TIMEOUT));
        }
        for (int i = 0; i < FRESH_RUNS; i++) {
            String runId = "fresh-" + i;
            String script = "script-" + (i % 50);
            Instant start = now.minusSeconds(3_600 + random.nextInt(3_600));
            boolean success = random.nextBoolean();
            String message = "end of " + runId;
            String[] started = event(runId, "{\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + start + "\"}");
            String[] ended = event(runId, "{\"event\":\"" + (success ? "succeeded" : "failed") + "\",\"time\":\""
                    + start.plusSeconds(1_800) + "\",\"message\":\"" + message + "\"}");
            List<String[]> runEvents = new ArrayList<>();
            boolean endFirst = random.nextInt(10) == 0;
            runEvents.add(endFirst ? ended : started);
            for (int h = 0; h < HEARTBEATS; h++) {
                runEvents.add(event(runId, "{\"event\":\"heartbeat\",\"time\":\"" + start.plusSeconds(60L * (h + 1)) + "\"}"));
            }
            runEvents.add(endFirst ? started : ended);
            if (random.nextInt(5) == 0) {
                runEvents.add(ended);
            }
            if (random.nextInt(5) == 0) {
                runEvents.add(started);
            }
            perRun.add(runEvents);
            oracle.put(runId, new Expected(script, success ? RunStatus.SUCCESS : RunStatus.FAILED, start, message,
                    success ? null : FailureReason.ERROR));
        }
        // interleave the runs, keeping each run's own events in order
        int[] next = new int[perRun.size()];
        int remaining = perRun.stream().mapToInt(List::size).sum();
        while (remaining > 0) {
            int r = random.nextInt(perRun.size());
            if (next[r] < perRun.get(r).size()) {
                events.add(perRun.get(r).get(next[r]++));
                remaining--;
            }
        }
        return oracle;
    }

    private static List<String> mismatches(Map<String, Expected> oracle, Map<String, RunRecord> runs) {
        List<String> wrong = new ArrayList<>();
        Function<RunRecord, Expected> actual = run -> new Expected(run.scriptName(), run.status(), run.startTime(),
                run.message(), run.failureReason());
        oracle.forEach((runId, expected) -> {
            RunRecord run = runs.get(runId);
            if (run == null || !expected.equals(actual.apply(run)) || run.lateCompletion() != null) {
                wrong.add(runId + ": expected " + expected + " but was " + run);
            }
        });
        return wrong.size() > 5 ? wrong.subList(0, 5) : wrong;
    }

    private static String[] event(String runId, String json) {
        return new String[]{runId, json};
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
