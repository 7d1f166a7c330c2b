package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;
import io.runwarden.http.HttpTestClient;
import io.runwarden.kafka.Topics;
import io.runwarden.model.RunStatus;
import io.runwarden.kafka.DeadLetterHandler;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the streams stop for good anyway (here: an operator shrank the dead-letter topic's record limit below a dead
 * letter's size, so that Kafka refuses it), the process exits with status 1 for its supervisor to restart it, rather
 * than stay up with /health at 200 and nothing processed; once the cause is gone, a restart applies what waited.
 */
@IntegrationTest
class StreamsErrorTest {
    @TempDir
    Path dir;

    @Test
    void streamsThatStopForGoodMakeTheProcessExitWithStatusOneAndARestartCatchesUp() throws Exception {
        int brokerPort = LoopbackPorts.free();
        JavaProcess broker = new JavaProcess(BrokerProcess.class, List.of(dir.resolve("broker").toString(),
                String.valueOf(brokerPort)), Map.of(), dir.resolve("broker.log"), "BROKER READY").start(Patience.START);
        String bootstrap = "127.0.0.1:" + brokerPort;
        int httpPort = LoopbackPorts.free();
        JavaProcess service = new JavaProcess(Main.class, List.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                "RUNWARDEN_DATA_DIR", dir.resolve("service").toString(),
                "RUNWARDEN_HTTP_PORT", String.valueOf(httpPort),
                // the streams that stop for good close their consumers without leaving the group: the restart's
                // rebalance waits for the broker to expire them. Let it within seconds (the broker's least), not 45 s
                "RUNWARDEN_KAFKA_SESSION_TIMEOUT_MS", "6000",
                "RUNWARDEN_KAFKA_HEARTBEAT_INTERVAL_MS", "1500"), dir.resolve("service.log"), "runwarden ready in")
                .start(Patience.START);
        HttpTestClient http = new HttpTestClient(httpPort, null);
        try (KafkaTestClient kafka = new KafkaTestClient(bootstrap); Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            // small enough to refuse the dead letter, large enough for the transaction markers the broker writes there
            dlqLimit(admin, "1000");
            kafka.send(Topics.SCRIPT_EVENTS, "bad-1", "{not json: " + "x".repeat(2_000) + "}");
            kafka.flush();

            assertThat(service.exitStatus(Patience.RESTART)).isEqualTo(1);
            assertThat(Files.readString(service.log())).contains("Kafka Streams stopped for good");

            dlqLimit(admin, "1114124");
            service.start(Patience.RESTART);
            kafka.send(Topics.SCRIPT_EVENTS, "good-1", "{\"scriptName\":\"s\",\"event\":\"started\"}");
            kafka.flush();
            await().atMost(Patience.APPLIED).until(() -> http.get("/script/logs/good-1").status() == 200);
            assertThat(http.get("/script/logs/good-1").data().path("status").asInt()).isEqualTo(RunStatus.IN_PROGRESS.code());
            assertThat(http.get("/health").status()).isEqualTo(200);
            // the dead letter commits with its transaction, which the run read over HTTP may not have waited for
            await().atMost(Patience.APPLIED).until(() -> !kafka.readAll(Topics.SCRIPT_EVENTS_DLQ).isEmpty());
            List<ConsumerRecord<String, byte[]>> dead = kafka.readAll(Topics.SCRIPT_EVENTS_DLQ);
            assertThat(dead).extracting(ConsumerRecord::key).containsExactly("bad-1");
            assertThat(new String(dead.get(0).headers().lastHeader(DeadLetterHandler.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("not-json");
        } finally {
            service.stop();
            broker.stop();
        }
    }

    private static void dlqLimit(Admin admin, String bytes) throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Topics.SCRIPT_EVENTS_DLQ);
        admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, bytes), AlterConfigOp.OpType.SET)))).all().get();
    }
}
