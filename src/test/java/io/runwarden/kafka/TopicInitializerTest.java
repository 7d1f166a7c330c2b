package io.runwarden.kafka;

import io.runwarden.IntegrationTest;
import io.runwarden.Patience;
import io.runwarden.config.Settings;
import io.runwarden.stream.RunwardenTopology;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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

    /**
     * Kafka Streams' changelogs, made with the service's own topics: one for each changelogged store, partitioned as
     * its task's source topic, compacted, with the topic settings Streams would give them; one already there is left
     * as it is.
     */
    @Test
    void streamsChangelogsAreAskedForWithThePartitionsOfTheirSource() throws Exception {
        Topology topology = RunwardenTopology.build(Duration.ofDays(3), Duration.ofDays(90), 4, "app");
        Map<String, Integer> changelogs = RunwardenTopology.changelogs(topology, "app",
                Map.of(Topics.SCRIPT_EVENTS, 4, Topics.alertOutcomes("app"), 3));
        Map<String, Integer> expected = new TreeMap<>();
        for (String store : List.of(StoreNames.RUNS, StoreNames.INDEX_GENERATION, StoreNames.SWEEPS, StoreNames.SCHEDULER_SLOTS,
                StoreNames.START_CHECKS, StoreNames.FORWARDED_STARTS, StoreNames.PING_RUNS)) {
            expected.put(StoreNames.changelog("app", store), 4);
        }
        expected.put(StoreNames.changelog("app", StoreNames.SCRIPT_HEALTH), 3);
        expected.put(StoreNames.changelog("app", StoreNames.ALERT_BATCHES), 3);
        assertThat(changelogs).as("the indexes are rebuilt from the runs, not changelogged").isEqualTo(expected);

        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0);
             Admin admin = Admin.create(settings(broker, "1").kafkaClientConfig())) {
            String runs = StoreNames.changelog("app", StoreNames.RUNS);
            admin.createTopics(List.of(new NewTopic(runs, 2, (short) 1))).all().get();

            TopicInitializer topics = new TopicInitializer(admin, Optional.empty());
            topics.askForCompacted(changelogs, Map.of(TopicConfig.SEGMENT_MS_CONFIG, "3600000"));
            topics.awaitLeaders(List.of());

            Map<String, TopicDescription> made = admin.describeTopics(changelogs.keySet()).allTopicNames().get();
            made.forEach((name, topic) -> {
                assertThat(topic.partitions()).as(name).hasSize(name.equals(runs) ? 2 : changelogs.get(name));
                assertThat(topic.partitions()).as("awaited until led").allMatch(partition -> partition.leader() != null);
            });
            ConfigResource health = new ConfigResource(ConfigResource.Type.TOPIC, StoreNames.changelog("app", StoreNames.SCRIPT_HEALTH));
            Config config = admin.describeConfigs(List.of(health)).all().get().get(health);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(config.get(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG).value()).isEqualTo("CreateTime");
            assertThat(config.get(TopicConfig.SEGMENT_MS_CONFIG).value()).isEqualTo("3600000");
        }
    }

    /** A changelog the broker refuses to make is left to Kafka Streams, which says why: the start does not wait for it. */
    @Test
    void aChangelogTheBrokerRefusesIsNotWaitedFor() throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start(dir, 0);
             Admin admin = Admin.create(settings(broker, "1").kafkaClientConfig())) {
            TopicInitializer topics = new TopicInitializer(admin, Optional.empty());
            topics.askForCompacted(Map.of("app-runs-changelog", 6), Map.of(TopicConfig.SEGMENT_MS_CONFIG, "abc"));
            topics.awaitLeaders(List.of());

            assertThat(admin.listTopics().names().get()).doesNotContain("app-runs-changelog");
        }
    }

    private static Settings settings(EmbeddedKafka broker, String replicationFactor) {
        return Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "RUNWARDEN_KAFKA_REPLICATION_FACTOR", replicationFactor));
    }
}
