package io.runwarden.config;

import io.runwarden.model.Bounds;
import io.runwarden.model.Times;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.Collectors;

/**
 * Typed configuration, read from the environment (names are a contract, see README).
 * {@code bootstrapServers} empty means: start the embedded broker.
 */
public record Settings(String bootstrapServers, int embeddedKafkaPort, Path dataDir, String httpHost, int httpPort,
                       Duration defaultMaxRuntime, Tokens tokens, String applicationId, String advertisedHost,
                       Duration retention, Map<String, String> kafkaProperties, SmtpSettings smtp) {

    /** Environment variables {@code RUNWARDEN_KAFKA_SASL_MECHANISM=PLAIN} become client properties {@code sasl.mechanism}. */
    public static final String KAFKA_PROPERTY_PREFIX = "RUNWARDEN_KAFKA_";

    /** Every environment variable the service reads. */
    public static final List<String> ENV_VARS = Stream.concat(Stream.of("KAFKA_BOOTSTRAP_SERVERS", "RUNWARDEN_EMBEDDED_KAFKA_PORT",
            "RUNWARDEN_DATA_DIR", "RUNWARDEN_HTTP_HOST", "RUNWARDEN_HTTP_PORT", "RUNWARDEN_STALE_AFTER",
            "RUNWARDEN_APPLICATION_ID", "RUNWARDEN_ADVERTISED_HOST", "RUNWARDEN_RETENTION", "RUNWARDEN_LOG_FORMAT"),
            Stream.concat(Tokens.ENV_VARS.stream(), SmtpSettings.ENV_VARS.stream())).toList();

    /** Streams' own name for the replica count of the topics it creates; runwarden applies it to its topics too. */
    static final String REPLICATION_FACTOR = StreamsConfig.REPLICATION_FACTOR_CONFIG;

    /** Leaves room in a topic name's 249 characters for the longest name derived from the id. */
    static final int MAX_APPLICATION_ID_CHARS = 200;

    /** The formats that have a logback-<format>.xml to include. */
    private static final Set<String> LOG_FORMATS = Set.of("text", "json");

    public static Settings fromEnv(Map<String, String> env) {
        requireLogFormat(env);
        return new Settings(
                env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "").trim(),
                port(env, "RUNWARDEN_EMBEDDED_KAFKA_PORT", 9092),
                Path.of(env.getOrDefault("RUNWARDEN_DATA_DIR", "./data")),
                env.getOrDefault("RUNWARDEN_HTTP_HOST", "127.0.0.1"),
                port(env, "RUNWARDEN_HTTP_PORT", 8080),
                duration(env, "RUNWARDEN_STALE_AFTER", "P3D"),
                Tokens.fromEnv(env),
                applicationId(env),
                blankToNull(env.get("RUNWARDEN_ADVERTISED_HOST")),
                duration(env, "RUNWARDEN_RETENTION", "P90D"),
                checkedKafkaProperties(env),
                SmtpSettings.fromEnv(env));
    }

    /** The configuration every Kafka client of the service starts from: the cluster, then the pass-through properties. */
    public Map<String, Object> kafkaClientConfig() {
        return kafkaClientConfig(bootstrapServers, kafkaProperties);
    }

    /**
     * The same for a client that reads no other setting ({@code runwarden exec}): a bad service setting in its
     * environment, say a port, must not stop it from reporting.
     */
    public static Map<String, Object> kafkaClientConfigFromEnv(String bootstrapServers, Map<String, String> env) {
        return kafkaClientConfig(bootstrapServers, kafkaProperties(env));
    }

    private static Map<String, Object> kafkaClientConfig(String bootstrapServers, Map<String, String> kafkaProperties) {
        Map<String, Object> config = new HashMap<>(kafkaProperties);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    /**
     * The replica count of the topics runwarden creates from {@code topics/}, from the same property that gives Streams'
     * changelogs theirs ({@code RUNWARDEN_KAFKA_REPLICATION_FACTOR}); empty: the broker's {@code default.replication.factor}.
     */
    public Optional<Short> replicationFactor() {
        String value = kafkaProperties.get(REPLICATION_FACTOR);
        if (value == null) {
            return Optional.empty();
        }
        short replicas = Short.parseShort(value.trim()); // checked by fromEnv
        return replicas == -1 ? Optional.empty() : Optional.of(replicas);
    }

    private static Map<String, String> kafkaProperties(Map<String, String> env) {
        Map<String, String> properties = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PROPERTY_PREFIX) && name.length() > KAFKA_PROPERTY_PREFIX.length()) {
                properties.put(name.substring(KAFKA_PROPERTY_PREFIX.length()).toLowerCase().replace('_', '.'), value);
            }
        });
        return Map.copyOf(properties);
    }

    /** The same, with the settings only the service reads (topics, Streams) checked: a producer ignores them. */
    private static Map<String, String> checkedKafkaProperties(Map<String, String> env) {
        Map<String, String> properties = kafkaProperties(env);
        String replicas = properties.get(REPLICATION_FACTOR);
        if (replicas != null && !replicas.trim().matches("-1|[1-9][0-9]{0,3}")) {
            throw new IllegalArgumentException(KAFKA_PROPERTY_PREFIX + "REPLICATION_FACTOR=" + replicas
                    + " is not a replica count (1 or more; -1 for the broker's default)");
        }
        // Kafka Streams takes 0 and then applies nothing, while the service says it is ready
        String threads = properties.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG);
        if (threads != null && !threads.trim().matches("[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException(KAFKA_PROPERTY_PREFIX + "NUM_STREAM_THREADS=" + threads
                    + " is not a number of stream threads (1 to 999)");
        }
        return properties;
    }

    /**
     * The id names Kafka topics ({@code <id>-<store>-changelog}, at most 249 characters of these) and the directory of
     * the state under the data dir: anything else fails only once the streams start creating topics, or leaves the
     * data dir ({@code ..}).
     */
    private static String applicationId(Map<String, String> env) {
        String id = env.getOrDefault("RUNWARDEN_APPLICATION_ID", "runwarden");
        if (!id.matches("[a-zA-Z0-9._-]{1," + MAX_APPLICATION_ID_CHARS + "}") || id.matches("\\.+")) {
            throw new IllegalArgumentException("RUNWARDEN_APPLICATION_ID=" + Bounds.quote(id) + " is not an application id:"
                    + " use 1 to " + MAX_APPLICATION_ID_CHARS + " ASCII letters, digits, '.', '_' and '-', not only dots"
                    + " (it names Kafka topics and a directory)");
        }
        return id;
    }

    /** logback.xml includes logback-<format>.xml: any other value would leave the service without an appender, silent. */
    private static void requireLogFormat(Map<String, String> env) {
        String format = env.get("RUNWARDEN_LOG_FORMAT");
        if (format != null && !LOG_FORMATS.contains(format)) {
            throw new IllegalArgumentException("RUNWARDEN_LOG_FORMAT=" + format + " is not a log format: use text (the default) or json");
        }
    }

    /** The host other instances reach this one's HTTP API on ({@code application.server}). */
    public String advertised() {
        if (advertisedHost != null) {
            return advertisedHost;
        }
        if (!httpHost.equals("0.0.0.0") && !httpHost.equals("::")) {
            return httpHost;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("RUNWARDEN_HTTP_HOST listens everywhere and this host has no name:"
                    + " set RUNWARDEN_ADVERTISED_HOST to the name other instances reach it by");
        }
    }

    /** Whether a listener on {@code host} is reachable from this machine only: then reads may stay open (DESIGN "Access"). */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException("RUNWARDEN_HTTP_HOST=" + host + " does not resolve");
        }
    }

    /** Nothing may be open to a network without a token. */
    public void requireTokenBeyondLoopback() {
        if (tokens.api().isEmpty() && !isLoopback(httpHost)) {
            throw new IllegalStateException("RUNWARDEN_HTTP_HOST=" + httpHost + " listens beyond this machine:"
                    + " set RUNWARDEN_API_TOKEN so that only its holders can read runs, trigger sweeps and change jobs");
        }
    }

    /**
     * What the start-up log line shows: every setting, but never a token nor a Kafka property that Kafka itself
     * treats as a password (sasl.jaas.config, ssl.*.password, ...) or does not know. A record's own toString would
     * print them all.
     */
    @Override
    public String toString() {
        String kafka = embeddedKafka() ? "embedded broker on 127.0.0.1:" + embeddedKafkaPort : bootstrapServers;
        String properties = kafkaProperties.keySet().stream().sorted()
                .map(name -> name + "=" + (PublicKafkaProperties.NAMES.contains(name) ? kafkaProperties.get(name) : "[hidden]"))
                .collect(Collectors.joining(", ", "{", "}"));
        return "Kafka " + kafka + ", Kafka properties " + properties + ", application id " + applicationId
                + ", data dir " + dataDir + ", HTTP " + httpHost + ":" + httpPort
                + (advertisedHost == null ? "" : " advertised as " + advertisedHost)
                + ", " + tokens
                + ", default max runtime " + Times.format(defaultMaxRuntime) + ", retention " + Times.format(retention);
    }

    public boolean embeddedKafka() {
        return bootstrapServers.isEmpty();
    }

    public Settings withBootstrapServers(String servers) {
        return new Settings(servers, embeddedKafkaPort, dataDir, httpHost, httpPort, defaultMaxRuntime, tokens, applicationId,
                advertisedHost, retention, kafkaProperties, smtp);
    }

    /**
     * The client properties whose values the start-up line may show: known to Kafka's clients, and no password anywhere.
     * A class of its own so that Kafka's config classes, which get loggers when loaded, load only after fromEnv has
     * accepted RUNWARDEN_LOG_FORMAT: an unknown format is refused before logback reads it.
     */
    private static final class PublicKafkaProperties {
        static final Set<String> NAMES = names();

        private static Set<String> names() {
            List<ConfigDef.ConfigKey> keys = Stream.of(StreamsConfig.configDef(), AdminClientConfig.configDef(),
                            ProducerConfig.configDef(), ConsumerConfig.configDef())
                    .flatMap(def -> def.configKeys().values().stream()).toList();
            Set<String> passwords = keys.stream().filter(key -> key.type == ConfigDef.Type.PASSWORD).map(key -> key.name)
                    .collect(Collectors.toSet());
            return keys.stream().map(key -> key.name).filter(name -> !passwords.contains(name))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + "=" + value + " is not a port number (0-65535)");
    }

    private static Duration duration(Map<String, String> env, String name, String fallback) {
        String value = env.getOrDefault(name, fallback);
        try {
            return Bounds.parseDuration(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
