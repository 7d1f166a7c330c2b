package io.runwarden.config;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.kafka.StreamsProperties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void defaultsStartTheEmbeddedBrokerWithTheDocumentedValues() {
        Settings settings = Settings.fromEnv(Map.of());

        assertThat(settings.embeddedKafka()).isTrue();
        assertThat(settings.embeddedKafkaPort()).isEqualTo(9092);
        assertThat(settings.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(settings.httpHost()).isEqualTo("127.0.0.1");
        assertThat(settings.httpPort()).isEqualTo(8080);
        assertThat(settings.defaultMaxRuntime()).isEqualTo(Duration.ofDays(3));
        assertThat(settings.tokens()).isEqualTo(Tokens.NONE);
        assertThat(settings.applicationId()).isEqualTo("runwarden");
    }

    @Test
    void environmentOverridesEveryDefault() {
        Settings settings = Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
                "RUNWARDEN_STALE_AFTER", "PT6H", "RUNWARDEN_API_TOKEN", "s3cret", "RUNWARDEN_APPLICATION_ID", "rw2",
                "RUNWARDEN_HTTP_PORT", "9000", "RUNWARDEN_DATA_DIR", "/var/lib/runwarden"));

        assertThat(settings.embeddedKafka()).isFalse();
        assertThat(settings.bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        assertThat(settings.defaultMaxRuntime()).isEqualTo(Duration.ofHours(6));
        assertThat(settings.tokens().api()).containsExactly("s3cret");
        assertThat(settings.applicationId()).isEqualTo("rw2");
        assertThat(settings.httpPort()).isEqualTo(9000);
        assertThat(settings.dataDir()).isEqualTo(Path.of("/var/lib/runwarden"));
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_STALE_AFTER", "3 days")))
                .hasMessageStartingWith("RUNWARDEN_STALE_AFTER: '3 days' is not an ISO-8601 duration");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_STALE_AFTER", "PT0S")))
                .hasMessageContaining("RUNWARDEN_STALE_AFTER").hasMessageContaining("outside PT1S to P3650D");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_HTTP_PORT", "80800")))
                .hasMessage("RUNWARDEN_HTTP_PORT=80800 is not a port number (0-65535)");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_EMBEDDED_KAFKA_PORT", "kafka")))
                .hasMessage("RUNWARDEN_EMBEDDED_KAFKA_PORT=kafka is not a port number (0-65535)");
    }

    @Test
    void durationsAreWrittenWithWholeDaysAsDays() {
        assertThat(io.runwarden.model.Times.format(Duration.ofDays(3))).isEqualTo("P3D");
        assertThat(io.runwarden.model.Times.format(Duration.ofHours(30))).isEqualTo("P1DT6H");
        assertThat(io.runwarden.model.Times.format(Duration.ofHours(6))).isEqualTo("PT6H");
        assertThat(Duration.parse(io.runwarden.model.Times.format(Duration.ofHours(30).plusMillis(5))))
                .isEqualTo(Duration.ofHours(30).plusMillis(5));
    }

    @Test
    void runwardenKafkaVariablesPassThroughToEveryClient() {
        Settings settings = Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "RUNWARDEN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "RUNWARDEN_KAFKA_SASL_MECHANISM", "PLAIN",
                "RUNWARDEN_KAFKA_", "ignored"));

        assertThat(settings.kafkaClientConfig()).containsOnly(
                Map.entry("bootstrap.servers", "broker:9093"),
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "PLAIN"));
    }

    @Test
    void runwardensProducerBatchesGiveWayToTheUsersSetting() {
        RunwardenMeters meters = new RunwardenMeters(new SimpleMeterRegistry());
        assertThat(StreamsProperties.of(Settings.fromEnv(Map.of()), 8080, meters))
                .containsEntry("batch.size", 256 * 1024).containsEntry("max.task.idle.ms", -1L)
                .as("an idle thread writes a sweep's runs every 10 ms, not every 100").containsEntry("poll.ms", 10);
        assertThat(StreamsProperties.of(Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_BATCH_SIZE", "16384")), 8080, meters))
                .containsEntry("batch.size", "16384");
    }

    @Test
    void theRestoreAndGlobalConsumersWaitBrieflyAndTheMainOnesLookAtTheSourcesOftenUnlessTheUserSaysOtherwise() {
        StreamsConfig defaults = streamsConfig(Map.of());
        assertThat(defaults.getRestoreConsumerConfigs("c")).containsEntry("fetch.max.wait.ms", 50);
        assertThat(defaults.getGlobalConsumerConfigs("c")).containsEntry("fetch.max.wait.ms", 100);
        assertThat(defaults.getMainConsumerConfigs("g", "c", 0)).containsEntry("metadata.max.age.ms", 10_000);

        // Streams lets a prefixed setting win over a plain one: the user's, in any form, must win over runwarden's
        for (Map<String, String> env : List.of(
                Map.of("RUNWARDEN_KAFKA_FETCH_MAX_WAIT_MS", "300", "RUNWARDEN_KAFKA_METADATA_MAX_AGE_MS", "60000"),
                Map.of("RUNWARDEN_KAFKA_CONSUMER_FETCH_MAX_WAIT_MS", "300", "RUNWARDEN_KAFKA_CONSUMER_METADATA_MAX_AGE_MS", "60000"),
                Map.of("RUNWARDEN_KAFKA_RESTORE_CONSUMER_FETCH_MAX_WAIT_MS", "300", "RUNWARDEN_KAFKA_GLOBAL_CONSUMER_FETCH_MAX_WAIT_MS",
                        "300", "RUNWARDEN_KAFKA_MAIN_CONSUMER_METADATA_MAX_AGE_MS", "60000"))) {
            StreamsConfig users = streamsConfig(env);
            assertThat(users.getRestoreConsumerConfigs("c")).as(env.toString()).containsEntry("fetch.max.wait.ms", "300");
            assertThat(users.getGlobalConsumerConfigs("c")).as(env.toString()).containsEntry("fetch.max.wait.ms", "300");
            assertThat(users.getMainConsumerConfigs("g", "c", 0)).as(env.toString()).containsEntry("metadata.max.age.ms", "60000");
        }
    }

    /** A commit refused while the thread's last transaction completes is asked again after 10 ms, not 100 (B6). */
    @Test
    void theStreamsProducersRetrySoonUnlessTheUserSaysOtherwise() {
        assertThat(streamsConfig(Map.of()).getProducerConfigs("c")).containsEntry("retry.backoff.ms", 10);
        for (Map<String, String> env : List.of(Map.of("RUNWARDEN_KAFKA_RETRY_BACKOFF_MS", "300"),
                Map.of("RUNWARDEN_KAFKA_PRODUCER_RETRY_BACKOFF_MS", "300"))) {
            assertThat(streamsConfig(env).getProducerConfigs("c")).as(env.toString()).containsEntry("retry.backoff.ms", "300");
        }
    }

    /** /metrics reads the Streams clients' metrics from Kafka Streams; JMX beans for each are the user's choice. */
    @Test
    void theStreamsClientsRegisterNoJmxBeansUnlessTheUserAsks() {
        StreamsConfig defaults = streamsConfig(Map.of());
        assertThat(defaults.getList(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG)).isEmpty();
        assertThat(defaults.getMainConsumerConfigs("g", "c", 0)).containsEntry("metric.reporters", "");
        assertThat(defaults.getProducerConfigs("c")).containsEntry("metric.reporters", "");

        StreamsConfig users = streamsConfig(Map.of("RUNWARDEN_KAFKA_METRIC_REPORTERS", "org.apache.kafka.common.metrics.JmxReporter"));
        assertThat(users.getList(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG)).containsExactly("org.apache.kafka.common.metrics.JmxReporter");
    }

    private static StreamsConfig streamsConfig(Map<String, String> env) {
        Settings settings = Settings.fromEnv(env).withBootstrapServers("127.0.0.1:9092");
        return new StreamsConfig(StreamsProperties.of(settings, 8080, new RunwardenMeters(new SimpleMeterRegistry())));
    }

    @Test
    void aStreamThreadPerCoreUpToFourAndThePartitionsOfTheEventsUnlessTheUserSetsThem() {
        RunwardenMeters meters = new RunwardenMeters(new SimpleMeterRegistry());
        int cores = Runtime.getRuntime().availableProcessors();
        assertThat(StreamsProperties.of(Settings.fromEnv(Map.of()), 8080, meters, 1_048_576, 1_000))
                .as("each thread holds a producer's buffer in the heap").containsEntry("num.stream.threads", Math.min(cores, 4));
        assertThat(StreamsProperties.of(Settings.fromEnv(Map.of()), 8080, meters, 1_048_576, 1))
                .as("a thread more than the partitions would have no run to apply").containsEntry("num.stream.threads", 1);
        assertThat(StreamsProperties.of(Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_NUM_STREAM_THREADS", "3")), 8080, meters,
                1_048_576, 1)).containsEntry("num.stream.threads", "3");
        for (String none : List.of("0", "-1", "two", "")) {
            assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_NUM_STREAM_THREADS", none)))
                    .as("a service that applies nothing but says it is ready").hasMessage(
                            "RUNWARDEN_KAFKA_NUM_STREAM_THREADS=" + none + " is not a number of stream threads (1 to 999)");
        }
    }

    @Test
    void aFloodCommitsEverySecondOrWithinHalfTheTransactionTimeout() {
        assertThat(streamsProperties()).containsEntry("commit.interval.ms", 1000);
        assertThat(streamsProperties("RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS", "1000"))
                .as("a transaction open past its timeout fences its producer").containsEntry("commit.interval.ms", 500);
        assertThat(streamsProperties("RUNWARDEN_KAFKA_PRODUCER_TRANSACTION_TIMEOUT_MS", "600")).containsEntry("commit.interval.ms", 300);
        assertThat(streamsProperties("RUNWARDEN_KAFKA_COMMIT_INTERVAL_MS", "5000")).containsEntry("commit.interval.ms", "5000");
        assertThat(streamsProperties("RUNWARDEN_KAFKA_TRANSACTION_TIMEOUT_MS", "soon"))
                .as("left to the producer to refuse").containsEntry("commit.interval.ms", 1000);
    }

    private static java.util.Properties streamsProperties(String... env) {
        Map<String, String> vars = new java.util.HashMap<>();
        for (int i = 0; i < env.length; i += 2) {
            vars.put(env[i], env[i + 1]);
        }
        return StreamsProperties.of(Settings.fromEnv(vars), 8080, new RunwardenMeters(new SimpleMeterRegistry()));
    }

    @Test
    void oneReplicationFactorGivesTheServiceTopicsAndTheStreamsChangelogsTheirReplicas() {
        Settings settings = Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "k1:9092",
                "RUNWARDEN_KAFKA_REPLICATION_FACTOR", "3"));

        assertThat(settings.replicationFactor()).contains((short) 3);
        assertThat(StreamsProperties.of(settings, 8080, new RunwardenMeters(new SimpleMeterRegistry()))).containsEntry("replication.factor", "3");
        assertThat(Settings.fromEnv(Map.of()).replicationFactor()).isEmpty();
        assertThat(Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_REPLICATION_FACTOR", "-1")).replicationFactor())
                .as("-1 is Streams' way to say: the broker's default").isEmpty();
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_REPLICATION_FACTOR", "three")))
                .hasMessage("RUNWARDEN_KAFKA_REPLICATION_FACTOR=three is not a replica count (1 or more; -1 for the broker's default)");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_KAFKA_REPLICATION_FACTOR", "0")))
                .hasMessageStartingWith("RUNWARDEN_KAFKA_REPLICATION_FACTOR=0 is not a replica count");
    }

    /** The id names topics and a directory: a bad one failed only once the streams created topics, or left the data dir. */
    @Test
    void anApplicationIdThatCannotNameATopicOrStayInTheDataDirIsRefusedAtStart() {
        assertThat(Settings.fromEnv(Map.of("RUNWARDEN_APPLICATION_ID", "rw.prod_2-" + "x".repeat(190))).applicationId())
                .hasSize(200);
        for (String bad : List.of("", "..", ".", "a/b", "runwarden prod", "x".repeat(201), "r\u00e9sum\u00e9", "a\nb")) {
            assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_APPLICATION_ID", bad)))
                    .hasMessageStartingWith("RUNWARDEN_APPLICATION_ID=")
                    .hasMessageContaining("is not an application id: use 1 to 200 ASCII letters, digits");
        }
    }

    @Test
    void logFormatIsTextOrJsonAndAnythingElseIsRefusedAtStart() {
        Settings.fromEnv(Map.of("RUNWARDEN_LOG_FORMAT", "text"));
        Settings.fromEnv(Map.of("RUNWARDEN_LOG_FORMAT", "json"));
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_LOG_FORMAT", "JSON")))
                .hasMessage("RUNWARDEN_LOG_FORMAT=JSON is not a log format: use text (the default) or json");
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_LOG_FORMAT", "")))
                .hasMessageStartingWith("RUNWARDEN_LOG_FORMAT= is not a log format");
    }

    @Test
    void theStartUpSummaryShowsSettingsButNoSecret() {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"rw\" password=\"kafka-pw\";";
        Settings settings = Settings.fromEnv(Map.of("KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                "RUNWARDEN_API_TOKEN", "api-s3cret,api-next", "RUNWARDEN_READ_TOKEN", "read-s3cret",
                "RUNWARDEN_METRICS_TOKEN", "metrics-s3cret", "RUNWARDEN_HTTP_HOST", "0.0.0.0",
                "RUNWARDEN_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "RUNWARDEN_KAFKA_SASL_JAAS_CONFIG", jaas,
                "RUNWARDEN_KAFKA_SSL_TRUSTSTORE_PASSWORD", "trust-pw", "RUNWARDEN_KAFKA_MY_PLUGIN_SECRET", "plugin-pw"));

        String summary = settings.toString();

        assertThat(summary).contains("Kafka broker:9093", "security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]",
                "ssl.truststore.password=[hidden]", "my.plugin.secret=[hidden]", "API tokens 2, read tokens 1, metrics tokens 1", "HTTP 0.0.0.0:8080");
        assertThat(summary).doesNotContain("api-s3cret", "api-next", "read-s3cret", "metrics-s3cret", "kafka-pw", "trust-pw", "plugin-pw");
    }

    @Test
    void tokenListsAreTrimmedAndTheirEmptyEntriesSkipped() {
        Tokens tokens = Settings.fromEnv(Map.of("RUNWARDEN_API_TOKEN", " new-token , old-token,,", "RUNWARDEN_READ_TOKEN", "r1,r2",
                "RUNWARDEN_METRICS_TOKEN", "   ")).tokens();

        assertThat(tokens.api()).containsExactly("new-token", "old-token");
        assertThat(tokens.internal()).as("the token this instance presents to the others").hasValue("new-token");
        assertThat(tokens.read()).containsExactly("r1", "r2");
        assertThat(tokens.metrics()).isEmpty();
        assertThat(Tokens.first(" , first , second")).hasValue("first");
        assertThat(Tokens.first(" ")).isEmpty();
        assertThat(Tokens.first(null)).isEmpty();
    }

    @Test
    void tokensAnHttpHeaderCannotCarryOrThatWouldOpenTooMuchAreRefusedWithoutShowingThem() {
        Map<Map<String, String>, String> refused = Map.of(
                Map.of("RUNWARDEN_READ_TOKEN", "reader"), "RUNWARDEN_READ_TOKEN is set without RUNWARDEN_API_TOKEN",
                Map.of("RUNWARDEN_API_TOKEN", "shared,api", "RUNWARDEN_READ_TOKEN", "shared"), "in both RUNWARDEN_API_TOKEN and RUNWARDEN_READ_TOKEN",
                Map.of("RUNWARDEN_API_TOKEN", "two words"), "RUNWARDEN_API_TOKEN has a token with a character",
                Map.of("RUNWARDEN_API_TOKEN", "ok,bad\u0000nul"), "RUNWARDEN_API_TOKEN has a token with a character",
                Map.of("RUNWARDEN_API_TOKEN", "caf\u00e9"), "RUNWARDEN_API_TOKEN has a token with a character",
                Map.of("RUNWARDEN_METRICS_TOKEN", "x".repeat(1025)), "RUNWARDEN_METRICS_TOKEN has a token longer than 1024",
                Map.of("RUNWARDEN_API_TOKEN", ",,"), "RUNWARDEN_API_TOKEN lists no token");
        refused.forEach((env, message) -> assertThatThrownBy(() -> Settings.fromEnv(env)).as("%s", env)
                .hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("reader", "shared", "two words", "nul", "caf", "xxxx")));
        assertThat(Settings.fromEnv(Map.of("RUNWARDEN_API_TOKEN", "x".repeat(1024))).tokens().api()).hasSize(1);
    }

    @Test
    void listeningBeyondLoopbackNeedsAnApiTokenAndOnLoopbackNothingDoes() {
        assertThatThrownBy(() -> Settings.fromEnv(Map.of("RUNWARDEN_HTTP_HOST", "0.0.0.0", "RUNWARDEN_METRICS_TOKEN", "m"))
                .requireTokenBeyondLoopback()).hasMessageContaining("set RUNWARDEN_API_TOKEN");
        Settings.fromEnv(Map.of("RUNWARDEN_HTTP_HOST", "0.0.0.0", "RUNWARDEN_API_TOKEN", "a")).requireTokenBeyondLoopback();
        Settings.fromEnv(Map.of("RUNWARDEN_HTTP_HOST", "localhost")).requireTokenBeyondLoopback();
        Settings.fromEnv(Map.of("RUNWARDEN_HTTP_HOST", "::1")).requireTokenBeyondLoopback();
        assertThat(Settings.isLoopback("127.0.0.2")).isTrue();
        assertThat(Settings.isLoopback("0.0.0.0")).isFalse();
        assertThat(Settings.isLoopback("::")).isFalse();
    }
}
