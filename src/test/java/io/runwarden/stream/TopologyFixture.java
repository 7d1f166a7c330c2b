package io.runwarden.stream;

import io.runwarden.model.Trigger;
import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.StreamsProperties;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.ControlRecord;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.config.Settings;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Alert;
import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import io.runwarden.model.RunFailure;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepBacklog;
import io.runwarden.sweep.SweepRequest;
import io.runwarden.sweep.SweepResult;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The real topology in a {@link TopologyTestDriver}, with its topics typed for the assertions. */
final class TopologyFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    static final Duration RETENTION = Duration.ofDays(90);
    static final String APPLICATION = "runwarden-test";
    /**
     * Where the drivers keep their RocksDB stores: tmpfs when the machine has it. Opening and closing a dozen stores
     * per driver costs their fsyncs, which on a disk made a hostile-input try take 180 ms, most of it waiting.
     */
    static final Path STATE_ROOT = stateRoot();

    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> events;
    final TestInputTopic<String, byte[]> cronConfig;
    final TestInputTopic<String, byte[]> policies;
    final TestOutputTopic<String, byte[]> runs;
    final TestOutputTopic<String, byte[]> failures;
    final TestOutputTopic<String, byte[]> deadLetters;
    final TestOutputTopic<String, byte[]> alerts;
    final TestOutputTopic<String, byte[]> alertFeed;
    /** What the topology and the dead-letter handler counted. */
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Instant wallClock;
    private final Path dataDir = STATE_ROOT.resolve("ttd-" + UUID.randomUUID());

    private static Path stateRoot() {
        try {
            return Files.createDirectories(Path.of("/dev/shm", "runwarden-tests-" + System.getProperty("user.name")));
        } catch (IOException | UnsupportedOperationException e) {
            return Path.of("target");
        }
    }

    TopologyFixture(Duration defaultMaxRuntime, Instant wallClock) {
        this.wallClock = wallClock;
        Settings settings = Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "unused:9092",
                "RUNWARDEN_DATA_DIR", dataDir.toString()));
        Properties props = StreamsProperties.of(settings, 0, new RunwardenMeters(meters));
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION);
        driver = new TopologyTestDriver(RunwardenTopology.build(defaultMaxRuntime, RETENTION, 1, 1, APPLICATION), props, wallClock);
        // the fresh partition's (empty) index rebuild runs at its first tick, as in the service: no step runs in init
        driver.advanceWallClockTime(ScriptEventProcessor.REBUILD_TICK);
        events = driver.createInputTopic(Topics.SCRIPT_EVENTS, new StringSerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        cronConfig = driver.createInputTopic(Topics.CRON_CONFIG, new StringSerializer(), new ByteArraySerializer());
        policies = driver.createInputTopic(Topics.SCRIPT_POLICIES, new StringSerializer(), new ByteArraySerializer());
        runs = driver.createOutputTopic(Topics.SCRIPT_RUNS, new StringDeserializer(), new ByteArrayDeserializer());
        failures = driver.createOutputTopic(Topics.SCRIPT_RUN_FAILURES, new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(Topics.SCRIPT_EVENTS_DLQ, new StringDeserializer(), new ByteArrayDeserializer());
        alerts = driver.createOutputTopic(Topics.SCRIPT_ALERTS, new StringDeserializer(), new ByteArrayDeserializer());
        alertFeed = driver.createOutputTopic(Topics.alertFeed(APPLICATION), new StringDeserializer(), new ByteArrayDeserializer());
    }

    TopologyFixture() {
        this(Duration.ofDays(3), NOW);
    }

    /** Sends a lifecycle event given as JSON text, keyed by {@code runId}. */
    void send(String runId, String json) {
        events.pipeInput(runId, json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    void send(String runId, String json, Instant recordTime) {
        events.pipeInput(runId, json.getBytes(StandardCharsets.UTF_8), recordTime);
    }

    void started(String runId, String script, Instant time) {
        send(runId, "{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script + "\",\"event\":\"started\",\"time\":\"" + time + "\"}");
    }

    void ended(String runId, String event, Instant time, String message) {
        send(runId, "{\"event\":\"" + event + "\",\"time\":\"" + time + "\",\"message\":\"" + message + "\"}");
    }

    /** The reasons of the dead letters written since the last read, in order. */
    List<String> deadLetterReasons() {
        return deadLetters.readRecordsToList().stream().map(record -> {
            Header reason = record.headers().lastHeader("runwarden.dlq.reason");
            return reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8);
        }).toList();
    }

    /** Requests a sweep as an API client would and returns its result. */
    SweepResult sweep(Instant asOf) {
        String sweepId = UUID.randomUUID().toString();
        requestSweep(new SweepRequest(sweepId, Trigger.MANUAL, asOf, null));
        writeSweeps();
        return sweepResult(sweepId);
    }

    /** Lets the tasks write the runs of the sweeps they answered, between records, as the wall clock moves on. */
    void writeSweeps() {
        KeyValueStore<String, SweepBacklog.Entry> backlog = driver.getKeyValueStore(StoreNames.SWEEP_BACKLOG);
        for (int tick = 0; hasEntries(backlog); tick++) {
            assertThat(tick).as("the sweeps' runs are written within 10,000 ticks").isLessThan(10_000);
            driver.advanceWallClockTime(ScriptEventProcessor.FLUSH_TICK);
            wallClock = wallClock.plus(ScriptEventProcessor.FLUSH_TICK);
        }
    }

    private static boolean hasEntries(KeyValueStore<String, ?> store) {
        try (var all = store.all()) {
            return all.hasNext();
        }
    }

    void requestSweep(SweepRequest request) {
        sendControl(ControlRecord.SWEEP_REQUEST, request.sweepId(), request);
    }

    /** Writes a control record to script-events as anyone who can write the topic could: a request, or one forged. */
    void sendControl(ControlRecord kind, String key, Object value, Header... more) {
        Headers headers = new RecordHeaders(kind.headers().toArray());
        for (Header header : more) {
            headers.add(header);
        }
        events.pipeInput(new TestRecord<>(key, Json.bytes(value), headers, NOW));
    }

    SweepResult sweepResult(String sweepId) {
        SweepProgress progress = sweeps().get(sweepId);
        return progress == null ? null : progress.result();
    }

    KeyValueStore<String, SweepProgress> sweeps() {
        return driver.getKeyValueStore(StoreNames.SWEEPS);
    }

    void putPolicy(ScriptPolicy policy) {
        policies.pipeInput(policy.scriptName(), Json.bytes(policy));
    }

    /**
     * Moves the wall clock on to {@code until} in steps, so that every tick on the way fires; the clock starts where
     * the fixture was made and moves only through here.
     */
    void advanceTo(Instant until, Duration step) {
        while (wallClock.isBefore(until)) {
            driver.advanceWallClockTime(step);
            wallClock = wallClock.plus(step);
        }
    }

    void putCronJob(CronJob job) {
        cronConfig.pipeInput(job.name(), Json.bytes(job));
    }

    RunRecord run(String runId) {
        KeyValueStore<String, RunRecord> store = driver.getKeyValueStore(StoreNames.RUNS);
        return store.get(runId);
    }

    /** Every alert on script-alerts since the last call, in order; each keyed by its script. */
    List<Alert> publishedAlerts() {
        return alerts.readKeyValuesToList().stream().map(kv -> {
            Alert alert = Json.read(kv.value, Alert.class);
            assertThat(kv.key).as("the key of %s", alert.alertId()).isEqualTo(alert.scriptName());
            return alert;
        }).toList();
    }

    /** Every record published to script-runs since the last call, in order. */
    List<RunRecord> publishedRuns() {
        return runs.readValuesToList().stream().map(v -> Json.read(v, RunRecord.class)).toList();
    }

    /** The latest published state of each run since the last call. */
    Map<String, RunRecord> latestRuns() {
        Map<String, RunRecord> latest = new HashMap<>();
        runs.readKeyValuesToList().forEach(kv -> latest.put(kv.key, Json.read(kv.value, RunRecord.class)));
        return latest;
    }

    List<RunFailure> publishedFailures() {
        return failures.readValuesToList().stream().map(v -> Json.read(v, RunFailure.class)).toList();
    }

    @Override
    public void close() {
        driver.close();
        try {
            Utils.delete(dataDir.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
