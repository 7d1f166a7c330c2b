package io.runwarden.kafka;

import io.runwarden.IntegrationTest;
import io.runwarden.Patience;
import io.runwarden.config.Settings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The replica count a deployment asks for reaches the topics runwarden creates, on a real (one-node) broker. */
@IntegrationTest
class TopicInitializerTest {

    @TempDir
    Path dir;

    @Test
    void replicationFactorFromTheEnvironmentIsWhatTheBrokerIsAskedFor() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0)) {
            Settings three = settings(broker, "3");
            try (Admin admin = Admin.create(three.kafkaClientConfig())) {
                // one broker cannot hold three replicas: the refusal proves the factor got there
                assertThatThrownBy(() -> new TopicInitializer(admin, three.replicationFactor()).ensure(TopicSpec.all("runwarden"), List.of()))
                        .hasMessageContaining("cannot create topic " + Topics.SCRIPT_EVENTS)
                        .hasMessageContaining("replication factor of 3");
            }

            Settings one = settings(broker, "1");
            try (Admin admin = Admin.create(one.kafkaClientConfig())) {
                assertThat(new TopicInitializer(admin, one.replicationFactor()).ensure(TopicSpec.all("runwarden"), List.of()))
                        .isEqualTo(TopicSpec.named(Topics.SCRIPT_EVENTS).partitions());
                List<String> names = TopicSpec.all("runwarden").stream().map(TopicSpec::name).toList();
                // a topic just created may not be in the broker's metadata yet
                await().atMost(Patience.APPLIED).ignoreExceptions().untilAsserted(() -> {
                    Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
                    assertThat(topics).hasSize(names.size());
                    assertThat(topics.values().stream().flatMap(t -> t.partitions().stream())
                            .map(p -> p.replicas().size()).collect(Collectors.toSet())).containsExactly(1);
                });
            }
        }
    }

    private static Settings settings(EmbeddedKafka broker, String replicationFactor) {
        return Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "RUNWARDEN_KAFKA_REPLICATION_FACTOR", replicationFactor));
    }
}
