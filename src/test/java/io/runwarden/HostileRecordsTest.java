package io.runwarden;

import io.runwarden.alerts.BatchDone;
import io.runwarden.config.Settings;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import io.runwarden.model.ControlRecord;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelJson;
import io.runwarden.notify.ChannelRules;
import io.runwarden.kafka.DeadLetterHandler;
import io.runwarden.stream.HostileInputs;
import io.runwarden.stream.HostileInputs.Hostile;
import io.runwarden.stream.HostileInputs.Verdict;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static io.runwarden.ServiceEndToEndTest.embedded;
import static io.runwarden.ServiceEndToEndTest.started;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A few hundred hostile records on script-events, cron-config and script-policies, sent to the real service on
 * its embedded broker (issue 10, item 3): afterwards a good event is applied, /ready and /health answer 200, a
 * manual sweep completes, the bad events are in script-events-dlq with their reasons, and a restart on the same
 * data dir comes back ready and applies another good event. Every wait is a condition with a ceiling of minutes.
 * Forged records of missed-start checks (issue 12, item 7), on six partitions as a deployment has them, record no
 * slot as missed that a start of the victim's script kept. Hostile channels and alert outcomes (issue 13) go the same
 * way: no channel answers with a credential, and the bad outcomes are dead-lettered; garbage on the alert feed is skipped
 * and a webhook still gets the next real alert.
 */
@IntegrationTest
class HostileRecordsTest {
    private static final Duration CEILING = Duration.ofMinutes(3);
    private static final int PARTITIONS = 6;

    @TempDir
    Path dataDir;

    /** A named case with what the contract wants of it: a reason it must be dead-lettered with, or none. */
    private record Case(String name, String topic, Integer partition, byte[] key, byte[] value, List<Header> headers,
                        Set<String> reasons) {
        Hostile hostile() {
            return new Hostile(name, key, value, headers, reasons == null ? Verdict.EITHER : Verdict.BAD,
                    reasons == null ? Set.of() : reasons, List.of());
        }
    }

    @Test
    void hostileRecordsOnEveryInputTopicLeaveTheServiceReadyAndARestartComesBackReady() throws Exception {
        Settings settings = embedded(dataDir);
        Instant now = Instant.now();
        List<Hostile> badEvents = new ArrayList<>();
        String good = "good-" + UUID.randomUUID();
        String victim = "victim-" + UUID.randomUUID();
        String policyScript = "huge-policy-script";
        String policyRun = "policy-run-" + UUID.randomUUID();
        boolean policyRunApplied;
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaProducer<byte[], byte[]> producer = producer(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(victim), utf8(started(victim, VICTIM_SCRIPT, now.minus(Duration.ofDays(1)))), List.of());

            List<Case> cases = namedCases(now, policyScript, policyRun);
            List<Hostile> generated = new ArrayList<>();
            HostileInputs.lifecycleEvents().sampleStream().limit(200).forEach(generated::add);
            HostileInputs.controlRecords().sampleStream().limit(60).forEach(generated::add);
            // their verdicts assume one partition and the fast tier's clock: here they are only sent, never judged
            List<Hostile> checksAndPings = HostileInputs.checkAndPingRecords().sampleStream().limit(60).toList();
            List<Hostile> jobs = HostileInputs.cronJobs().sampleStream().limit(40).toList();
            List<Hostile> policies = HostileInputs.policies().sampleStream().limit(40).toList();
            // a compacted topic refuses a record without a key: the broker keeps those from the service
            List<Hostile> channels = HostileInputs.channels().sampleStream().filter(h -> h.key() != null)
                    .filter(HostileRecordsTest::callsOnlyThisMachine).limit(40).toList();
            // ends of batches are judged for one run partition: here they are only sent
            List<Hostile> outcomes = HostileInputs.alertOutcomes().sampleStream().limit(60).toList();
            for (Case c : cases) {
                send(producer, c.topic(), c.partition(), c.key(), c.value(), c.headers());
                if (c.topic().equals(Topics.SCRIPT_EVENTS) && c.reasons() != null) {
                    badEvents.add(c.hostile());
                }
            }
            for (Hostile h : generated) {
                send(producer, Topics.SCRIPT_EVENTS, null, h.key(), h.value(), h.headers());
                if (h.verdict() == Verdict.BAD) {
                    badEvents.add(h);
                }
            }
            checksAndPings.forEach(h -> send(producer, Topics.SCRIPT_EVENTS, null, h.key(), h.value(), h.headers()));
            jobs.forEach(h -> send(producer, Topics.CRON_CONFIG, null, h.key(), h.value(), h.headers()));
            policies.forEach(h -> send(producer, Topics.SCRIPT_POLICIES, null, h.key(), h.value(), h.headers()));
            channels.forEach(h -> send(producer, Topics.NOTIFICATION_CHANNELS, null, h.key(), h.value(), h.headers()));
            for (Hostile h : outcomes) {
                send(producer, Topics.alertOutcomes(settings.applicationId()), null, h.key(), h.value(), h.headers());
                if (h.verdict() == Verdict.BAD && h.headers().stream().noneMatch(header -> header.key().equals(BatchDone.HEADER))) {
                    badEvents.add(h);
                }
            }
            // the policy with a huge maxRuntime, then an ordinary start of its script (both after the generated ones)
            send(producer, Topics.SCRIPT_POLICIES, null, utf8(policyScript),
                    utf8("{\"scriptName\":\"" + policyScript + "\",\"maxRuntime\":\"PT9223372036854775807S\"}"), List.of());
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(policyRun), utf8(started(policyRun, policyScript, now)), List.of());
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(good), utf8(started(good, "good-script", now)), List.of());
            String victimLater = "victim-later-" + UUID.randomUUID();
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(victimLater), utf8(started(victimLater, VICTIM_SCRIPT,
                    keptSlots(now).get(2))), List.of());
            producer.flush();

            await("the good event sent after the hostile ones is applied").atMost(CEILING)
                    .until(() -> http.get("/script/logs/" + encode(good)).status() == 200);
            assertThat(http.get("/ready").status()).as("/ready").isEqualTo(200);
            assertThat(http.get("/health").status()).as("/health").isEqualTo(200);
            HttpTestClient.Response kept = http.get("/notifications/channels");
            assertThat(kept.status()).as("the channels after hostile ones: %s", kept.text()).isEqualTo(200);
            assertThat(HostileInputs.showsACredential(kept.body())).as("the channels after hostile ones: %s", kept.text()).isFalse();

            HttpTestClient.Response sweep = http.post("/script/cleanup-stale", "");
            assertThat(sweep.status()).as("a manual sweep: %s", sweep.text()).isEqualTo(200);
            assertThat(sweep.data().path("totalLogsUpdated").isNumber()).as("the sweep's answer %s", sweep.text()).isTrue();
            assertThat(http.get("/script/logs/" + encode(victim)).data().path("status").asInt())
                    .as("a run due in two days is still in progress after every forged control record and the sweep")
                    .isEqualTo(2);
            HttpTestClient.Response policyRunRead = http.get("/script/logs/" + encode(policyRun));

            policyRunApplied = policyRunRead.status() == 200;
        }

        try (RunwardenService service = RunwardenService.start(settings);
             KafkaProducer<byte[], byte[]> producer = producer(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            await("ready after a restart").atMost(CEILING).until(() -> http.get("/ready").status() == 200);
            assertThat(http.get("/health").status()).isEqualTo(200);
            String again = "good-again-" + UUID.randomUUID();
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(again), utf8(started(again, "good-script", Instant.now())), List.of());
            producer.flush();
            await("a good event after the restart is applied").atMost(CEILING)
                    .until(() -> http.get("/script/logs/" + encode(again)).status() == 200);
            assertThat(http.get("/script/logs/" + encode(good)).status()).isEqualTo(200);
            assertThat(http.get("/ready").status()).isEqualTo(200);

            // last, so that a failure here leaves the restart checked: the bad events are in the dead-letter topic
            String bootstrap = service.bootstrapServers();
            await("the bad events are dead-lettered").atMost(CEILING).pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> assertDeadLettered(badEvents, readAll(bootstrap, Topics.SCRIPT_EVENTS_DLQ)));
            if (!policyRunApplied) {
                assertThat(readAll(bootstrap, Topics.SCRIPT_EVENTS_DLQ))
                        .as("the start under a policy with a huge maxRuntime is kept or dead-lettered")
                        .anyMatch(r -> new String(r.key(), StandardCharsets.UTF_8).equals(policyRun));
            }
            // last: the forged checks had minutes to take effect; no kept slot of the victim's script is a missed run
            List<String> missedButKept = new ArrayList<>();
            for (Instant kept : keptSlots(now)) {
                HttpTestClient.Response run = http.get("/script/logs/" + encode(missedRunId(kept)));
                if (run.status() != 404) {
                    missedButKept.add(missedRunId(kept) + " -> " + run.status() + " " + run.text());
                }
            }
            assertThat(missedButKept).as("runs recorded as missed for slots a start of the victim's script kept").isEmpty();
        }
    }

    /**
     * Forged answers to one missed-start check, each as large as a producer may send: the check's home partition keeps
     * the answers until every partition's is in, and must not keep more than its changelog takes (a record the
     * changelog refuses stops the streams, and again after every restart, as the answers are read again).
     */
    @Test
    void forgedAnswersToOneCheckLeaveTheServiceRunning() throws Exception {
        Settings settings = embedded(dataDir);
        try (RunwardenService service = RunwardenService.start(settings);
             KafkaProducer<byte[], byte[]> producer = producer(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            String kept = "[" + String.join(",", java.util.Collections.nCopies(450_000, "0")) + "]"; // 900 KB
            for (int partition : new int[]{0, 1}) {
                send(producer, Topics.SCRIPT_EVENTS, null, utf8("forged-check"), utf8("{\"checkId\":\"forged-check\",\"partition\":"
                        + partition + ",\"kept\":" + kept + "}"), List.of(new RecordHeader(ControlRecord.HEADER, utf8("start-check-part"))));
            }
            String good = "good-" + UUID.randomUUID();
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(good), utf8(started(good, "good-script", Instant.now())), List.of());
            producer.flush();
            await("the good event sent after the forged answers is applied, or the service fails").atMost(CEILING)
                    .until(() -> http.get("/script/logs/" + encode(good)).status() == 200 || http.get("/health").status() != 200);
            assertThat(http.get("/health").status()).as("/health after two forged answers of 900 KB to one check").isEqualTo(200);
            assertThat(http.get("/script/logs/" + encode(good)).status()).as("the good event").isEqualTo(200);
        }
    }

    /**
     * Records on the alert feed that the alert processor did not write (only runwarden writes it, but anyone with access
     * to the broker may), on every partition, ahead of a real alert: a webhook channel that takes every script's alerts
     * is sent none of them, and gets the real alert next, at its first attempt.
     */
    @Test
    void garbageOnTheAlertFeedIsSkippedAndAWebhookChannelStillGetsTheNextRealAlert() throws Exception {
        Settings settings = embedded(dataDir);
        String feed = Topics.alertFeed(settings.applicationId());
        try (HookReceiver receiver = new HookReceiver().up(() -> 200);
             RunwardenService service = RunwardenService.start(settings);
             KafkaProducer<byte[], byte[]> producer = producer(service.bootstrapServers())) {
            HttpTestClient http = new HttpTestClient(service.httpPort(), null);
            Instant created = Instant.now().minusSeconds(1);
            send(producer, Topics.NOTIFICATION_CHANNELS, null, utf8("feed-hook"), utf8("{\"name\":\"feed-hook\",\"type\":\"webhook\","
                    + "\"url\":\"" + receiver.url("/hook") + "\",\"scripts\":[\"*\"],\"createdAt\":\"" + created + "\"}"), List.of());
            producer.flush();
            await("the channel is kept").atMost(CEILING).until(() -> http.get("/notifications/channels/feed-hook").status() == 200);

            String time = "\"time\":\"" + Instant.now() + "\"";
            String huge = "h".repeat(300_000);
            List<String> alerts = List.of("not json", "", "null", "[]", "{}", "[".repeat(200_000),
                    "{\"kind\":\"failed\",\"scriptName\":\"feed-script\"}",
                    "{\"alertId\":\"failed:x\",\"kind\":\"failed\",\"scriptName\":\"feed-script\",\"runId\":\"x\"}",
                    "{\"alertId\":\"failed:x\",\"kind\":\"failed\",\"runId\":\"x\"," + time + "}",
                    "{\"kind\":\"failed\",\"scriptName\":\"feed-script\",\"runId\":\"x\"," + time + "}",
                    "{\"alertId\":\"exploded:x\",\"kind\":\"exploded\",\"scriptName\":\"feed-script\",\"runId\":\"x\"," + time + "}",
                    "{\"alertId\":\"failed:x\",\"kind\":\"failed\",\"scriptName\":\"feed\\u0000script\",\"runId\":\"x\"," + time + "}",
                    "{\"alertId\":\"failed:x\",\"kind\":\"failed\",\"scriptName\":\"feed-script\",\"runId\":\"x\","
                            + "\"time\":\"+10000-01-01T00:00:00Z\"}",
                    "{\"alertId\":\"failed:" + huge + "\",\"kind\":\"failed\",\"scriptName\":\"" + huge + "\",\"runId\":\"" + huge
                            + "\"," + time + "}",
                    "{\"alertId\":\"failed:x\",\"kind\":\"failed\",\"scriptName\":\"feed-script\",\"runId\":\"x\"," + time
                            + ",\"message\":\"" + "m".repeat(600_000) + "\"}");
            List<String> ends = List.of("not json", "", "{}", "{\"partition\":0}", "{\"batchId\":\"" + huge + "\",\"partition\":0}");
            int partitions;
            try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                    Map.of("bootstrap.servers", service.bootstrapServers()))) {
                partitions = admin.describeTopics(List.of(feed)).allTopicNames().get().get(feed).partitions().size();
            }
            for (int partition = 0; partition < partitions; partition++) {
                for (String alert : alerts) {
                    send(producer, feed, partition, utf8("feed-script"), utf8(alert), List.of());
                }
                send(producer, feed, partition, utf8("feed-script"), null, List.of());
                for (String end : ends) {
                    send(producer, feed, partition, utf8("batch"), utf8(end), List.of(new RecordHeader(BatchDone.HEADER, new byte[0])));
                }
            }
            producer.flush();

            String runId = "feed-run-" + UUID.randomUUID();
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(runId), utf8(started(runId, "feed-script", Instant.now())), List.of());
            send(producer, Topics.SCRIPT_EVENTS, null, utf8(runId), utf8("{\"event\":\"failed\",\"message\":\"exit 3\"}"), List.of());
            producer.flush();

            await("the real alert reaches the webhook").atMost(CEILING)
                    .until(() -> receiver.requests().stream().anyMatch(r -> ("failed:" + runId).equals(r.header("Runwarden-Alert-Id"))));
            assertThat(receiver.requests()).as("what the webhook was sent").extracting(r -> r.header("Runwarden-Alert-Id"))
                    .containsExactly("failed:" + runId);
            assertThat(http.get("/ready").status()).isEqualTo(200);
        }
    }

    /**
     * The cases issue 10 names, and the ones found beyond them. {@code reasons} null: kept or dead-lettered. The
     * forged records of missed-start checks name slots of the victim's script that a start keeps:
     * {@link #keptSlots}.
     */
    private static List<Case> namedCases(Instant now, String policyScript, String policyRun) {
        List<Case> cases = new ArrayList<>();
        forgedChecks(cases, now);
        String hugeKey = "k".repeat(HostileInputs.HUGE);
        String start = "{\"event\":\"started\",\"scriptName\":\"s\",\"time\":\"" + now + "\"";
        cases.add(event("600 KB key", hugeKey, start + "}", Set.of("bad-run-id")));
        cases.add(event("600 KB scriptName", "huge-name-" + UUID.randomUUID(),
                "{\"event\":\"started\",\"scriptName\":\"" + "n".repeat(HostileInputs.HUGE) + "\"}", Set.of("bad-script-name")));
        cases.add(event("600 KB message (cut, not rejected)", "huge-message-" + UUID.randomUUID(),
                start + ",\"message\":\"" + "m".repeat(HostileInputs.HUGE) + "\"}", null));
        cases.add(event("year 300000000", "y3e8-" + UUID.randomUUID(),
                "{\"event\":\"started\",\"scriptName\":\"s\",\"time\":\"+300000000-01-01T00:00:00Z\"}", Set.of("bad-time")));
        cases.add(event("epoch ms Long.MAX", "lmax-" + UUID.randomUUID(),
                "{\"event\":\"started\",\"scriptName\":\"s\",\"time\":" + Long.MAX_VALUE + "}", Set.of("bad-time")));
        cases.add(event("maxRuntime PT9223372036854775807S", "maxrt-" + UUID.randomUUID(),
                start + ",\"maxRuntime\":\"PT9223372036854775807S\"}", Set.of("bad-max-runtime")));
        cases.add(event("start at the last instant with maxRuntime P3650D", "edge-" + UUID.randomUUID(),
                "{\"event\":\"started\",\"scriptName\":\"s\",\"time\":\"9999-12-31T23:59:59Z\",\"maxRuntime\":\"P3650D\"}", null));
        // nearly what script-events takes: its dead letter (with headers) must still fit script-events-dlq
        byte[] nearLimit = new byte[1_048_000];
        java.util.Arrays.fill(nearLimit, (byte) 'x');
        cases.add(new Case("1,048,000 bytes of not-JSON", Topics.SCRIPT_EVENTS, null, utf8("near-limit-" + UUID.randomUUID()),
                nearLimit, List.of(), Set.of("not-json")));
        // a good event on the wrong partition whose header names a partition that does not exist
        String misrouted = "misrouted-" + UUID.randomUUID();
        int home = Utils.toPositive(Utils.murmur2(utf8(misrouted))) % PARTITIONS;
        cases.add(new Case("misrouted event with runwarden.partition 99", Topics.SCRIPT_EVENTS, (home + 1) % PARTITIONS,
                utf8(misrouted), utf8(started(misrouted, "s", now)),
                List.of(new RecordHeader(ControlRecord.PARTITION, utf8("99"))), null));
        // control records
        String id = "forged-" + UUID.randomUUID();
        cases.add(control("sweep-request asOf year 300000000", "sweep-request", id,
                "{\"sweepId\":\"" + id + "\",\"trigger\":\"manual\",\"asOf\":\"+300000000-01-01T00:00:00Z\"}", List.of()));
        String id2 = "forged-" + UUID.randomUUID();
        cases.add(control("sweep-request asOf Long.MAX", "sweep-request", id2,
                "{\"sweepId\":\"" + id2 + "\",\"trigger\":\"manual\",\"asOf\":" + Long.MAX_VALUE + "}", List.of()));
        // keyed by itself, so the id is in the record twice: 450 KB each stays under what a producer may send
        String hugeId = "h".repeat(450_000);
        cases.add(control("sweep-request with a 450 KB sweepId", "sweep-request", hugeId,
                "{\"sweepId\":\"" + hugeId + "\",\"trigger\":\"manual\",\"asOf\":\"" + now + "\"}", List.of()));
        cases.add(control("sweep-request sweepId != key", "sweep-request", "not-" + id,
                "{\"sweepId\":\"" + id + "\",\"trigger\":\"manual\",\"asOf\":\"" + now + "\"}", List.of()));
        cases.add(control("sweep-part partition 99", "sweep-part", id,
                "{\"sweepId\":\"" + id + "\",\"partition\":99,\"failed\":5,\"scriptNames\":[\"x\"],\"entriesExamined\":5}", List.of()));
        cases.add(control("sweep-part partition -1", "sweep-part", id,
                "{\"sweepId\":\"" + id + "\",\"partition\":-1,\"failed\":-5,\"scriptNames\":[],\"entriesExamined\":0}", List.of()));
        cases.add(control("sweep-continue with partition header 99", "sweep-continue", id,
                "{\"request\":{\"sweepId\":\"" + id + "\",\"trigger\":\"manual\",\"asOf\":\"" + now + "\"},\"soFar\":{\"sweepId\":\""
                        + id + "\",\"partition\":99,\"failed\":0,\"scriptNames\":[],\"entriesExamined\":0}}",
                List.of(new RecordHeader(ControlRecord.PARTITION, utf8("99")))));
        cases.add(control("sweep-continue with partition header abc", "sweep-continue", id,
                "{\"request\":{\"sweepId\":\"" + id + "\",\"trigger\":\"manual\",\"asOf\":\"" + now + "\"},\"soFar\":{\"sweepId\":\""
                        + id + "\",\"partition\":0,\"failed\":0,\"scriptNames\":[],\"entriesExamined\":0}}",
                List.of(new RecordHeader(ControlRecord.PARTITION, utf8("abc")))));
        cases.add(control("sweep-marker not JSON", "sweep-marker", id, "{{{", List.of()));
        // global topics
        for (String schedule : List.of("0 0 30 2 *", "0 0 31 2 *", "0 0 29 2 *", "*/0 * * * *", "60 * * * *")) {
            String job = "hostile-" + UUID.randomUUID();
            cases.add(new Case("cron job " + schedule, Topics.CRON_CONFIG, null, utf8(job),
                    utf8("{\"name\":\"" + job + "\",\"schedule\":\"" + schedule + "\",\"enabled\":true,\"timezone\":\"UTC\"}"),
                    List.of(), null));
        }
        cases.add(new Case("cron job bad timezone", Topics.CRON_CONFIG, null, utf8("tz-job"),
                utf8("{\"name\":\"tz-job\",\"schedule\":\"* * * * *\",\"enabled\":true,\"timezone\":\"Mars/Olympus\"}"), List.of(), null));
        cases.add(new Case("cron job deep nesting", Topics.CRON_CONFIG, null, utf8("deep-job"),
                utf8("{\"name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}"), List.of(), null));
        for (String maxRuntime : List.of("PT0S", "\"garbage\"", "PT9223372036854775807S")) {
            String script = "hostile-policy-" + UUID.randomUUID();
            String value = maxRuntime.startsWith("\"") ? maxRuntime : "\"" + maxRuntime + "\"";
            cases.add(new Case("policy maxRuntime " + maxRuntime, Topics.SCRIPT_POLICIES, null, utf8(script),
                    utf8("{\"scriptName\":\"" + script + "\",\"maxRuntime\":" + value + "}"), List.of(), null));
        }
        cases.add(new Case("policy not JSON", Topics.SCRIPT_POLICIES, null, utf8("nj"), utf8("not json"), List.of(), null));
        return cases;
    }

    /** The victim's script, whose run started a day ago, and starts again in an hour (a start sent after the forgeries). */
    private static final String VICTIM_SCRIPT = "victim";

    /**
     * The slots of the victim's script that a start keeps (with a grace of a minute): at the victim's start, 30 s
     * after it, and at the script's later start.
     */
    private static List<Instant> keptSlots(Instant now) {
        Instant start = now.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        return List.of(start, start.plusSeconds(30), now.plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS));
    }

    private static String missedRunId(Instant slot) {
        return VICTIM_SCRIPT + "@" + DateTimeFormatter.ISO_INSTANT.format(slot);
    }

    private static String slot(Instant slot) {
        return "{\"scriptName\":\"" + VICTIM_SCRIPT + "\",\"slot\":\"" + slot + "\",\"grace\":\"PT1M\"}";
    }

    /**
     * Forged checks, each of which would record a kept slot of the victim's script as missed if the stream believed
     * it: a check of a slot 30 s after the victim's start whose every answer (one per partition) is forged and came
     * first; a check written to every partition, before its grace ran out, of the slot the victim's later start keeps.
     * (A well-formed missed-slot record is a verdict, trusted as a failed event is: not forged here.)
     */
    private static void forgedChecks(List<Case> cases, Instant now) {
        Instant alsoKept = keptSlots(now).get(1);
        Instant later = keptSlots(now).get(2);
        String answered = "check-forged-" + UUID.randomUUID();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            cases.add(control("forged answer of partition " + partition, "start-check-part", answered,
                    "{\"checkId\":\"" + answered + "\",\"partition\":" + partition + ",\"kept\":[]}", List.of()));
        }
        cases.add(control("check of a slot the victim's start keeps, after forged answers", "start-check", answered,
                "{\"checkId\":\"" + answered + "\",\"asOf\":\"" + now + "\",\"slots\":[" + slot(alsoKept) + "]}", List.of()));
        String early = "check-early-" + UUID.randomUUID();
        for (int partition = 0; partition < PARTITIONS; partition++) {
            Case check = control("check of the victim's later start before its grace ran out", "start-check", early,
                    "{\"checkId\":\"" + early + "\",\"asOf\":\"" + now + "\",\"slots\":[" + slot(later) + "]}", List.of());
            cases.add(new Case(check.name() + ", on partition " + partition, check.topic(), partition, check.key(), check.value(),
                    check.headers(), null));
        }
    }

    /** A channel that is refused, or kept and calls only this machine (a PagerDuty channel without a URL calls PagerDuty). */
    private static boolean callsOnlyThisMachine(Hostile channel) {
        Channel kept;
        try {
            kept = ChannelRules.checked(channel.keyText(), ChannelJson.read(channel.value()));
        } catch (RuntimeException refused) {
            return true;
        }
        String host = kept.url() == null ? "localhost" : java.net.URI.create(kept.url()).getHost().toLowerCase(java.util.Locale.ROOT);
        return Set.of("127.0.0.1", "localhost", "[::1]").contains(host);
    }

    private static Case event(String name, String key, String json, Set<String> reasons) {
        return new Case(name, Topics.SCRIPT_EVENTS, null, utf8(key), utf8(json), List.of(), reasons);
    }

    private static Case control(String name, String control, String key, String json, List<Header> more) {
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader(ControlRecord.HEADER, utf8(control)));
        headers.addAll(more);
        return new Case(name, Topics.SCRIPT_EVENTS, null, utf8(key), utf8(json), headers, null);
    }

    /** Every bad event is in the dead-letter topic with its original key and bytes and a fitting reason. */
    private static void assertDeadLettered(List<Hostile> bad, List<ConsumerRecord<byte[], byte[]>> dead) {
        Map<String, List<String>> reasons = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : dead) {
            Header reason = record.headers().lastHeader(DeadLetterHandler.REASON);
            reasons.computeIfAbsent(identity(record.key(), record.value()), k -> new ArrayList<>())
                    .add(reason == null ? null : new String(reason.value(), StandardCharsets.UTF_8));
        }
        List<String> missing = new ArrayList<>();
        for (Hostile h : bad) {
            List<String> found = reasons.get(identity(h.key(), h.value()));
            if (found == null || found.isEmpty()) {
                missing.add(h.toString());
                continue;
            }
            String reason = found.remove(0);
            assertThat(reason).as("reason of the dead letter of %s", h).isNotBlank().isNotEqualTo("internal-error");
            if (!h.reasons().isEmpty()) {
                assertThat(reason).as("reason of the dead letter of %s", h).isIn(h.reasons());
            }
        }
        assertThat(missing).as("bad events missing from %s (of %d bad)", Topics.SCRIPT_EVENTS_DLQ, bad.size()).isEmpty();
    }

    private static String identity(byte[] key, byte[] value) {
        return (key == null ? "-" : Base64.getEncoder().encodeToString(sha(key))) + "/"
                + (value == null ? "-" : Base64.getEncoder().encodeToString(sha(value)));
    }

    private static byte[] sha(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Integer partition, byte[] key, byte[] value,
                             List<Header> headers) {
        Future<?> sent = producer.send(new ProducerRecord<>(topic, partition, key, value,
                new RecordHeaders(headers.toArray(new Header[0]))));
        if (value != null && value.length > 500_000 || key != null && key.length > 500_000) {
            try {
                sent.get(); // a record the client itself refuses is a mistake of the test, not of runwarden
            } catch (ExecutionException | InterruptedException e) {
                throw new AssertionError("cannot send a hostile record of " + (value == null ? 0 : value.length) + " bytes", e);
            }
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static String encode(String runId) {
        return URLEncoder.encode(runId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
