package io.runwarden.stream;

import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.Ping;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** Pings without a runId are paired with their runs in the stream, in the order they arrived. */
class PingPairingTest {

    @Test
    void anEndGoesToTheMostRecentRunAStartPingOpened() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("backup", EventType.STARTED, "r1", NOW, "first"));
            ping(fixture, new Ping("backup", EventType.STARTED, "r2", NOW.plusSeconds(1), "second"));
            ping(fixture, new Ping("backup", EventType.HEARTBEAT, null, NOW.plusSeconds(30), null));
            ping(fixture, new Ping("backup", EventType.SUCCEEDED, null, NOW.plusSeconds(60), "done"));
            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.plusSeconds(90), "exit 3"));

            RunRecord second = fixture.run("r2");
            assertThat(second.status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(second.lastHeartbeat()).isEqualTo(NOW.plusSeconds(30));
            assertThat(second.message()).isEqualTo("done");
            RunRecord first = fixture.run("r1");
            assertThat(first.status()).isEqualTo(RunStatus.FAILED);
            assertThat(first.startTime()).isEqualTo(NOW);
            assertThat(first.message()).isEqualTo("exit 3");
        }
    }

    @Test
    void anEndWithNoOpenRunIsARunThatStartedAndEndedAtOnceAndAHeartbeatWithNoneIsADeadLetter() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("report", EventType.SUCCEEDED, null, NOW, "sent"));
            ping(fixture, new Ping("report", EventType.HEARTBEAT, null, NOW.plusSeconds(5), null));

            List<RunRecord> runs = fixture.latestRuns().values().stream().toList();
            assertThat(runs).singleElement().satisfies(run -> {
                assertThat(run.scriptName()).isEqualTo("report");
                assertThat(run.status()).isEqualTo(RunStatus.SUCCESS);
                assertThat(run.startTime()).isEqualTo(NOW);
                assertThat(run.endTime()).isEqualTo(NOW);
                assertThat(run.message()).isEqualTo("sent");
            });
            List<TestRecord<String, byte[]>> dead = fixture.deadLetters.readRecordsToList();
            assertThat(dead).singleElement().satisfies(record ->
                    assertThat(header(record, "runwarden.dlq.reason")).isEqualTo("no-open-run"));
        }
    }

    /**
     * A run a start ping opened may be ended by an event that names it before an end ping comes: it is closed to pings,
     * so an end with no other run open is a run of its own (its failure alerted). One a sweep timed out takes no
     * heartbeat (a dead letter when no other run is open) but keeps its place for the end that is its late completion.
     */
    @Test
    void aRunEndedByItsIdIsClosedToPingsAndATimedOutOneWaitsForItsLateEnd() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("backup", EventType.STARTED, "hung", NOW.minus(java.time.Duration.ofDays(5)), null));
            ping(fixture, new Ping("backup", EventType.STARTED, "ended-by-id", NOW.minus(java.time.Duration.ofDays(1)), null));
            fixture.ended("ended-by-id", "succeeded", NOW.minus(java.time.Duration.ofDays(1)).plusSeconds(60), "done");
            fixture.sweep(NOW);
            fixture.publishedAlerts();

            // the timed-out run takes no heartbeat, and no other is open; it keeps its place for its end
            ping(fixture, new Ping("backup", EventType.HEARTBEAT, null, NOW.plusSeconds(10), null));
            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.plusSeconds(20), "exit 3"));
            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.plusSeconds(30), "exit 4"));

            assertThat(fixture.run("ended-by-id").status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.run("hung").lateCompletion().message()).as("its late end").isEqualTo("exit 3");
            List<RunRecord> failed = fixture.latestRuns().values().stream()
                    .filter(run -> run.status() == RunStatus.FAILED && !run.runId().equals("hung")).toList();
            assertThat(failed).extracting(RunRecord::message).containsExactly("exit 4");
            assertThat(failed).allSatisfy(run -> assertThat(run.startTime()).isEqualTo(run.endTime()));
            assertThat(fixture.publishedAlerts()).extracting(alert -> alert.kind().wireName()).containsExactly("failed");
            assertThat(fixture.deadLetters.readRecordsToList()).singleElement().satisfies(record ->
                    assertThat(header(record, "runwarden.dlq.reason")).isEqualTo("no-open-run"));
        }
    }

    /** A sweep that overtook a run's own end (the end ping waited in a backlog): the end is that run's, late. */
    @Test
    void anEndPingOvertakenByASweepIsItsRunsLateCompletion() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            Instant start = NOW.minus(java.time.Duration.ofDays(3)).minus(java.time.Duration.ofHours(1));
            ping(fixture, new Ping("backup", EventType.STARTED, "job", start, null));
            fixture.sweep(NOW);
            fixture.publishedAlerts();

            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.minus(java.time.Duration.ofHours(2)), "exit 3"));

            RunRecord job = fixture.run("job");
            assertThat(job.failureReason()).isEqualTo(io.runwarden.model.FailureReason.TIMEOUT);
            assertThat(job.lateCompletion().message()).isEqualTo("exit 3");
            assertThat(fixture.latestRuns().values()).filteredOn(run -> run.scriptName().equals("backup"))
                    .extracting(RunRecord::runId).as("one execution, one run").containsExactly("job");
            assertThat(fixture.publishedAlerts()).as("one execution, one alarm").isEmpty();
        }
    }

    /** A job that ran past its deadline and then ended: one run, its timeout and its late end, as the contract keeps both. */
    @Test
    void anEndPingAfterItsRunTimedOutIsItsLateCompletionOnce() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("backup", EventType.STARTED, "slow", NOW.minus(java.time.Duration.ofDays(4)), null));
            fixture.sweep(NOW);
            fixture.publishedAlerts();

            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.plusSeconds(3600), "exit 3"));

            assertThat(fixture.run("slow").lateCompletion().message()).isEqualTo("exit 3");
            assertThat(fixture.latestRuns().values()).filteredOn(run -> run.scriptName().equals("backup"))
                    .extracting(RunRecord::runId).containsExactly("slow");
            assertThat(fixture.publishedAlerts()).isEmpty();
        }
    }

    /**
     * A run ended by an event naming it takes no end ping, whenever that event came: the ping goes to the next run still
     * open, and is never dropped. A record forging the pairing's headers is taken as what it says.
     */
    @Test
    void anEndPingPassesOverARunEndedByItsRunIdAndForgedHeadersChangeNothing() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("backup", EventType.STARTED, "r0", NOW, null));
            ping(fixture, new Ping("backup", EventType.STARTED, "r1", NOW.plusSeconds(1), null));
            fixture.ended("r1", "succeeded", NOW.plusSeconds(60), "r1 by rid");
            fixture.publishedAlerts();

            ping(fixture, new Ping("backup", EventType.FAILED, null, NOW.plusSeconds(30), "exit 3"));

            assertThat(fixture.run("r0").message()).isEqualTo("exit 3");
            // r0's failure ended before r1's success: told, then the script's recovery
            assertThat(fixture.publishedAlerts()).extracting(alert -> alert.kind().wireName())
                    .containsExactly("failed", "recovered");

            RecordHeaders nullClosed = new RecordHeaders(ControlRecord.PING.headers().toArray());
            nullClosed.add(PingPairing.CLOSED, null);
            fixture.events.pipeInput(new TestRecord<>("backup", Json.bytes(new Ping("backup", EventType.SUCCEEDED, null,
                    NOW.plusSeconds(90), "alone")), nullClosed, NOW));
            RecordHeaders paired = new RecordHeaders();
            paired.add(PingPairing.PAIRED, new byte[0]);
            fixture.events.pipeInput(new TestRecord<>("ghost", ("{\"event\":\"failed\",\"time\":\"" + NOW + "\"}")
                    .getBytes(StandardCharsets.UTF_8), paired, NOW));

            assertThat(fixture.latestRuns().values()).filteredOn(run -> "alone".equals(run.message())).hasSize(1);
            assertThat(fixture.run("ghost").status()).isEqualTo(RunStatus.FAILED);
            assertThat(fixture.deadLetters.readRecordsToList()).isEmpty();
        }
    }

    /** Runs ended by an event naming them are passed over: the end goes to the most recent run still open. */
    @Test
    void anEndPingGoesToTheMostRecentRunThatIsStillOpen() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, new Ping("backup", EventType.STARTED, "a", NOW, null));
            ping(fixture, new Ping("backup", EventType.STARTED, "b", NOW.plusSeconds(1), null));
            fixture.ended("b", "succeeded", NOW.plusSeconds(30), "done by rid");

            ping(fixture, new Ping("backup", EventType.HEARTBEAT, null, NOW.plusSeconds(40), null));
            ping(fixture, new Ping("backup", EventType.SUCCEEDED, null, NOW.plusSeconds(60), "a done"));

            assertThat(fixture.run("a").status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.run("a").lastHeartbeat()).isEqualTo(NOW.plusSeconds(40));
            assertThat(fixture.run("a").message()).isEqualTo("a done");
            assertThat(fixture.run("b").message()).isEqualTo("done by rid");
            assertThat(fixture.latestRuns()).containsOnlyKeys("a", "b");
            assertThat(fixture.deadLetters.readRecordsToList()).isEmpty();
        }
    }

    /**
     * A ping handed back by its run's partition is paired as it would have been had that run been closed when it
     * arrived: a start ping that came meanwhile does not take it. Kafka's hops interleave so; the driver runs each hop
     * at once, so the handed-back record is written here as the run's partition writes it.
     */
    @Test
    void aPingHandedBackPassesOverRunsStartedAfterIt() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            TestOutputTopic<String, byte[]> events = fixture.driver.createOutputTopic(Topics.SCRIPT_EVENTS,
                    new StringDeserializer(), new ByteArrayDeserializer());
            ping(fixture, new Ping("backup", EventType.STARTED, "first", NOW, null));
            ping(fixture, new Ping("backup", EventType.HEARTBEAT, null, NOW.plusSeconds(10), null));
            String firstStart = events.readRecordsToList().stream().map(record -> header(record, PingPairing.PAIRED))
                    .filter(Objects::nonNull).findFirst().orElseThrow();
            fixture.ended("first", "succeeded", NOW.plusSeconds(20), "done by rid");
            ping(fixture, new Ping("backup", EventType.STARTED, "later", NOW.plusSeconds(40), null));

            // an end ping paired with "first" before "later" started, handed back as "first" was ended by its runId
            RecordHeaders handedBack = new RecordHeaders(ControlRecord.PING.headers().toArray());
            handedBack.add(PingPairing.CLOSED, "first".getBytes(StandardCharsets.UTF_8));
            handedBack.add(PingPairing.BEFORE, firstStart.getBytes(StandardCharsets.UTF_8));
            fixture.events.pipeInput(new TestRecord<>("backup", Json.bytes(new Ping("backup", EventType.FAILED, null,
                    NOW.plusSeconds(30), "exit 3")), handedBack, NOW));
            ping(fixture, new Ping("backup", EventType.SUCCEEDED, null, NOW.plusSeconds(90), "later done"));

            assertThat(fixture.run("later").status()).isEqualTo(RunStatus.SUCCESS);
            assertThat(fixture.run("later").message()).isEqualTo("later done");
            assertThat(fixture.latestRuns().values()).filteredOn(run -> "exit 3".equals(run.message())).singleElement()
                    .satisfies(run -> {
                        assertThat(run.status()).isEqualTo(RunStatus.FAILED);
                        assertThat(run.startTime()).isEqualTo(NOW.plusSeconds(30));
                    });
        }
    }

    /** A script's open runs as stored before their starts were numbered: in their order, before any start to come. */
    @Test
    void openRunsStoredWithoutNumbersKeepTheirOrder() {
        PingPairing.PingRuns stored = Json.read("{\"open\":[\"a\",\"b\"]}".getBytes(StandardCharsets.UTF_8),
                PingPairing.PingRuns.class);

        assertThat(stored.open()).containsExactly("a", "b");
        assertThat(stored.starts()).containsExactly(-2L, -1L);
    }

    @Test
    void aPingRecordThatIsNotOneIsADeadLetter() {
        try (TopologyFixture fixture = new TopologyFixture()) {
            ping(fixture, "backup", new Ping("other", EventType.SUCCEEDED, null, NOW, null));
            ping(fixture, "backup", new Ping("backup", EventType.STARTED, null, NOW, null));
            ping(fixture, "backup", new Ping("backup", EventType.SUCCEEDED, null, Instant.parse("1969-12-31T00:00:00Z"), null));

            assertThat(fixture.deadLetters.readRecordsToList()).hasSize(3)
                    .allSatisfy(record -> assertThat(header(record, "runwarden.dlq.reason")).isEqualTo("bad-control"));
            assertThat(fixture.latestRuns()).isEmpty();
        }
    }

    private static void ping(TopologyFixture fixture, Ping ping) {
        ping(fixture, ping.scriptName(), ping);
    }

    private static void ping(TopologyFixture fixture, String key, Ping ping) {
        fixture.events.pipeInput(new TestRecord<>(key, Json.bytes(ping),
                new RecordHeaders(ControlRecord.PING.headers().toArray()), NOW));
    }

    private static String header(TestRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
