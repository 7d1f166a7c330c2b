package io.runwarden.stream;

import io.runwarden.kafka.DeadLetterHandler;
import io.runwarden.metrics.RunwardenMeters;
import io.micrometer.core.instrument.Counter;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Bounds;
import io.runwarden.model.Json;
import io.runwarden.model.FailureReason;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.stream.HostileInputs.Hostile;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * What the hostile-records properties share: the limits they hold runwarden's records to, the topology in a driver
 * with raw-bytes views of every topic ({@link Harness}), and the assertions on what comes out.
 *
 * <p>TopologyTestDriver in Kafka 4.4 does honour {@code processing.exception.handler}: the records of the handler's
 * {@code Response.resume(...)} come out on {@code script-events-dlq} (see {@link DeadLetterTest}). It has no broker
 * and so no record size limit: the sizes are checked here against the limits of a default broker.
 */
final class HostileRecords {
    /** A run record is small: ids ≤ 256 chars, a message ≤ 8,192 chars. */
    static final int RUN_LIMIT = 64 * 1024;
    /** What a default broker (message.max.bytes 1048588) takes, less room for the batch overhead. */
    static final int TOPIC_LIMIT = 1_000_000;
    /** script-events-dlq accepts records at least 64 KiB larger than script-events does. */
    static final int DLQ_EXTRA = 64 * 1024;
    /** A run whose deadline (now + 2 days) no forged control record may reach. */
    static final String VICTIM = "victim";
    static final Duration CALL_CEILING = Duration.ofSeconds(30);
    static final String ALERT_OUTCOMES = Topics.alertOutcomes(TopologyFixture.APPLICATION);
    static final String ALERT_FEED = Topics.alertFeed(TopologyFixture.APPLICATION);


    private HostileRecords() {
    }

    static void assertDeadLetter(TestRecord<byte[], byte[]> dead, Hostile record, boolean isTheOriginal) {
        String reason = header(dead, DeadLetterHandler.REASON);
        assertThat(reason).as("reason of the dead letter of %s", record).isNotNull().matches("[a-z][a-z0-9-]{0,63}");
        if (isTheOriginal) {
            if (!record.reasons().isEmpty()) {
                assertThat(reason).as("reason of the dead letter of %s", record).isIn(record.reasons());
            }
            assertThat(dead.key()).as("original key of %s", record).isEqualTo(record.key());
            String truncated = header(dead, "runwarden.dlq.truncated");
            if (truncated == null) {
                assertThat(Arrays.equals(dead.value(), record.value())).as("original bytes of %s", record).isTrue();
            } else {
                // cut to fit the dead-letter topic: a prefix of the original, whose size the header gives
                assertThat(Integer.parseInt(truncated)).isEqualTo(record.value().length);
                assertThat(Arrays.equals(dead.value(), Arrays.copyOf(record.value(), dead.value().length)))
                        .as("a cut dead letter of %s holds the start of the original", record).isTrue();
            }
        }
        // internal-error is a bug met by the record: every input here is hostile on purpose, with a reason to say why
        assertThat(reason).as("reason of the dead letter of %s", record).isNotEqualTo("internal-error");
        for (Header header : dead.headers()) {
            if (!header.key().startsWith("runwarden.dlq.") || header.value() == null) {
                continue;
            }
            String text = new String(header.value(), StandardCharsets.UTF_8);
            assertThat(text.length()).as("header %s of the dead letter of %s", header.key(), record).isLessThanOrEqualTo(2_048);
            assertThat(text.chars().noneMatch(Character::isISOControl))
                    .as("header %s = %s of %s: a value must not forge a log line", header.key(), HostileInputs.describe(text), record)
                    .isTrue();
            for (String longText : record.longTexts()) {
                assertThat(text).as("header %s quotes at most 256 characters of a value of %s", header.key(), record)
                        .doesNotContain(longText.substring(0, Bounds.MAX_QUOTE_CHARS + 1));
            }
        }
    }

    static void assertRunWithinBounds(TestRecord<byte[], byte[]> published, Hostile cause) {
        RunRecord run = Json.read(published.value(), RunRecord.class);
        assertThat(isGeneratedId(run.runId())).as("runId %s applied from %s", HostileInputs.describe(run.runId()), cause).isTrue();
        assertThat(run.scriptName() == null || isId(run.scriptName()))
                .as("scriptName %s applied from %s", HostileInputs.describe(run.scriptName()), cause).isTrue();
        for (Instant instant : Arrays.asList(run.startTime(), run.endTime(), run.lastHeartbeat())) {
            if (instant != null) {
                assertThat(instant).as("an instant of the run applied from %s", cause)
                        .isBetween(Bounds.MIN_INSTANT, Bounds.MAX_INSTANT);
            }
        }
        if (run.inProgress()) {
            assertThat(run.deadline()).as("deadline of the run applied from %s", cause).isNotNull();
        }
        if (run.maxRuntime() != null) {
            assertThat(run.maxRuntime()).as("maxRuntime of the run applied from %s", cause)
                    .isBetween(Bounds.MIN_DURATION, Bounds.MAX_DURATION);
        }
        assertThat(run.message() == null ? 0 : run.message().length()).as("message of %s", cause)
                .isLessThanOrEqualTo(Bounds.MAX_MESSAGE_CHARS);
    }

    static boolean isId(String value) {
        try {
            Bounds.id(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** An id within the bounds, or one runwarden generates from one (a missed slot's {@code {script}@{slot}}). */
    /** A sweep's or a check's id, within the one rule for them (up to 320 characters, an id within the first 256). */
    static boolean isBatchId(String value) {
        try {
            Bounds.batchId(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static boolean isGeneratedId(String value) {
        try {
            Bounds.generatedId(value);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static String header(TestRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The topology in a driver, with raw-bytes views of every topic, each call under a ceiling. */
    static final class Harness implements AutoCloseable {
        final TopologyFixture fixture = new TopologyFixture(Duration.ofDays(3), NOW);
        final TestInputTopic<byte[], byte[]> events = fixture.driver.createInputTopic(Topics.SCRIPT_EVENTS,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> cronConfig = fixture.driver.createInputTopic(Topics.CRON_CONFIG,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> policies = fixture.driver.createInputTopic(Topics.SCRIPT_POLICIES,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> channels = fixture.driver.createInputTopic(Topics.NOTIFICATION_CHANNELS,
                new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        final TestInputTopic<byte[], byte[]> outcomes = fixture.driver.createInputTopic(
                Topics.alertOutcomes(TopologyFixture.APPLICATION), new ByteArraySerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        private final ExecutorService caller = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "hostile-driver");
            thread.setDaemon(true);
            return thread;
        });

        Harness() {
            call("victim", () -> fixture.started(VICTIM, HostileInputs.VICTIM_SCRIPT, HostileInputs.VICTIM_START));
            drain();
        }

        TestRecord<byte[], byte[]> record(Hostile hostile) {
            return new TestRecord<>(hostile.key(), hostile.value(), new RecordHeaders(hostile.headers().toArray(new Header[0])), NOW);
        }

        /** Runs a driver call; a throw is the streams stopping, a call that never returns is a hung stream thread. */
        void call(String what, Runnable action) {
            Future<?> future = caller.submit(action);
            try {
                future.get(CALL_CEILING.toSeconds(), TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                fail("no answer within " + CALL_CEILING + " (a hung stream thread): " + what);
            } catch (ExecutionException e) {
                throw new AssertionError("the stream stops on " + what + ": " + rootCause(e.getCause()), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        <T> T get(String what, Callable<T> action) {
            Object[] result = new Object[1];
            call(what, () -> {
                try {
                    result[0] = action.call();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            @SuppressWarnings("unchecked") T value = (T) result[0];
            return value;
        }

        /** Everything written to any topic since the last call, by topic. */
        Map<String, List<TestRecord<byte[], byte[]>>> drain() {
            Map<String, List<TestRecord<byte[], byte[]>>> out = new LinkedHashMap<>();
            for (String topic : fixture.driver.producedTopicNames()) {
                List<TestRecord<byte[], byte[]>> records = fixture.driver.createOutputTopic(topic,
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
                if (!records.isEmpty()) {
                    out.put(topic, records);
                }
            }
            return out;
        }

        void assertSizes(Hostile cause, Map<String, List<TestRecord<byte[], byte[]>>> out) {
            out.forEach((topic, records) -> {
                int limit = switch (topic) {
                    case Topics.SCRIPT_RUNS, Topics.SCRIPT_RUN_FAILURES, Topics.SCRIPT_ALERTS -> RUN_LIMIT;
                    case Topics.SCRIPT_EVENTS_DLQ -> Math.min(TOPIC_LIMIT, cause.size()) + DLQ_EXTRA;
                    // an alert and a run's outcome are bounded as a run is
                    default -> topic.equals(ALERT_OUTCOMES) || topic.equals(ALERT_FEED) ? RUN_LIMIT : TOPIC_LIMIT;
                };
                for (TestRecord<byte[], byte[]> record : records) {
                    assertThat(size(record)).as("a record runwarden writes to %s after %s (limit %d bytes)", topic, cause, limit)
                            .isLessThanOrEqualTo(limit);
                }
            });
        }

        RunRecord run(String runId) {
            return fixture.run(runId);
        }

        void assertEverySweepWithinBounds(Hostile cause) {
            KeyValueStore<String, SweepProgress> sweeps = fixture.sweeps();
            try (KeyValueIterator<String, SweepProgress> it = sweeps.all()) {
                while (it.hasNext()) {
                    KeyValue<String, SweepProgress> sweep = it.next();
                    Instant asOf = sweep.value.request().asOf();
                    assertThat(asOf).as("asOf of sweep %s after %s", HostileInputs.describe(sweep.key), cause)
                            .isBetween(Bounds.MIN_INSTANT, Bounds.MAX_INSTANT);
                }
            }
        }

        /**
         * No slot a start of the victim script kept is recorded as missed: one at the victim's start, whatever its grace,
         * nor one at the victim script's later start (applied after every forged record).
         */
        void assertNoKeptSlotMissed(Object cause) {
            for (Instant kept : List.of(HostileInputs.VICTIM_START, HostileInputs.VICTIM_LATER_START)) {
                RunRecord missed = run(HostileInputs.missedRunId(HostileInputs.VICTIM_SCRIPT, kept));
                if (missed != null) {
                    assertThat(missed.failureReason()).as("the victim script's slot at %s, which a start kept, is recorded "
                            + "as %s after %s", kept, missed, cause).isNotEqualTo(FailureReason.MISSED);
                }
            }
        }

        double deadLettersCounted() {
            return fixture.meters.find(RunwardenMeters.DEAD_LETTERS).counters().stream().mapToDouble(Counter::count).sum();
        }

        double deadLettersCounted(String reason) {
            return fixture.meters.find(RunwardenMeters.DEAD_LETTERS).tag("reason", reason).counters().stream()
                    .mapToDouble(Counter::count).sum();
        }

        void assertGoodEventApplied() {
            String runId = "good-" + UUID.randomUUID();
            call("good event", () -> fixture.started(runId, "good-script", NOW));
            Map<String, List<TestRecord<byte[], byte[]>>> out = drain();
            assertThat(out.getOrDefault(Topics.SCRIPT_RUNS, List.of())).as("script-runs after a good event")
                    .anySatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(runId));
            assertThat(run(runId).status()).isEqualTo(RunStatus.IN_PROGRESS);
        }

        void assertSweepCompletes() {
            assertThat(get("a sweep", () -> fixture.sweep(NOW))).as("a manual sweep as of now completes").isNotNull();
            assertThat(run(VICTIM).status()).as("the victim, due in two days").isEqualTo(RunStatus.IN_PROGRESS);
            drain();
        }

        @Override
        public void close() {
            caller.shutdownNow();
            fixture.close();
        }
    }

    static int size(TestRecord<byte[], byte[]> record) {
        int size = (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    static String rootCause(Throwable e) {
        List<String> chain = new ArrayList<>();
        for (Throwable t = e; t != null && chain.size() < 6; t = t.getCause()) {
            chain.add(t.getClass().getSimpleName() + ": " + HostileInputs.describe(String.valueOf(t.getMessage())));
        }
        return String.join(" <- ", chain);
    }
}

