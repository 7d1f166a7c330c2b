package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.runwarden.config.Settings;
import io.runwarden.notify.Sender;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The files users run without us: the compose file, the Dockerfile and the README's configuration table. */
class DeploymentFilesTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    /** What a RUNWARDEN_KAFKA_* variable may name: a property of Kafka Streams or of one of its clients. */
    private static final Set<String> KAFKA_PROPERTIES = Stream.of(StreamsConfig.configDef(), AdminClientConfig.configDef(),
                    ProducerConfig.configDef(), ConsumerConfig.configDef())
            .flatMap(def -> def.names().stream()).collect(Collectors.toSet());

    @Test
    void composeRunsThreeKraftNodesInOneQuorumWithThreeReplicasOfEverything() throws Exception {
        Map<String, JsonNode> brokers = services(node -> node.path("image").asText().startsWith("apache/kafka:"));
        assertThat(brokers).hasSize(3);

        Set<String> nodeIds = new TreeSet<>();
        Set<String> voters = new TreeSet<>();
        brokers.forEach((name, broker) -> {
            JsonNode env = broker.path("environment");
            nodeIds.add(env.path("KAFKA_NODE_ID").asText());
            voters.add(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText());
            assertThat(env.path("KAFKA_PROCESS_ROLES").asText()).as(name).isEqualTo("broker,controller");
            assertThat(env.path("KAFKA_ADVERTISED_LISTENERS").asText()).as(name).contains("PLAINTEXT://" + name + ":9092");
            // a 3-node cluster that can lose one node without losing an acknowledged write
            assertThat(env.path("KAFKA_DEFAULT_REPLICATION_FACTOR").asText()).as(name).isEqualTo("3");
            assertThat(env.path("KAFKA_MIN_INSYNC_REPLICAS").asText()).as(name).isEqualTo("2");
            assertThat(env.path("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR").asText()).as(name).isEqualTo("3");
            assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asText()).as(name).isEqualTo("3");
            assertThat(env.path("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR").asText()).as(name).isEqualTo("2");
            // the data must live in the volume, or a recreated container forgets every topic
            assertThat(texts(broker.path("volumes"))).as(name).anyMatch(v -> v.endsWith(":" + env.path("KAFKA_LOG_DIRS").asText()));
        });
        assertThat(nodeIds).as("node ids").hasSize(3);
        assertThat(voters).as("one quorum, the same on every node").hasSize(1);
        String quorum = voters.iterator().next();
        brokers.forEach((name, broker) -> assertThat(quorum)
                .contains(broker.path("environment").path("KAFKA_NODE_ID").asText() + "@" + name + ":9093"));
        assertThat(brokers.values().stream().map(b -> b.path("environment").path("CLUSTER_ID").asText()).distinct())
                .as("one cluster id").hasSize(1);
    }

    @Test
    void composeRunsTwoRunwardenInstancesOfOneApplicationOnThoseBrokers() throws Exception {
        Map<String, JsonNode> brokers = services(node -> node.path("image").asText().startsWith("apache/kafka:"));
        Map<String, JsonNode> instances = services(node -> node.path("build").asText().equals("."));
        assertThat(instances).hasSize(2);

        Set<String> applicationIds = new TreeSet<>();
        Set<String> volumes = new TreeSet<>();
        Set<String> hostPorts = new TreeSet<>();
        instances.forEach((name, instance) -> {
            JsonNode env = instance.path("environment");
            List<String> names = new ArrayList<>();
            env.fieldNames().forEachRemaining(names::add);
            for (String variable : names) {
                if (variable.startsWith(Settings.KAFKA_PROPERTY_PREFIX)) {
                    assertThat(KAFKA_PROPERTIES).as(name + " " + variable)
                            .contains(variable.substring(Settings.KAFKA_PROPERTY_PREFIX.length()).toLowerCase().replace('_', '.'));
                } else {
                    assertThat(Settings.ENV_VARS).as(name).contains(variable);
                }
            }
            List<String> bootstrap = List.of(env.path("KAFKA_BOOTSTRAP_SERVERS").asText().split(","));
            assertThat(bootstrap).as(name).hasSize(brokers.size());
            brokers.forEach((broker, node) -> assertThat(bootstrap).as(name)
                    .anyMatch(server -> node.path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText().contains("://" + server)));
            assertThat(env.path("RUNWARDEN_KAFKA_REPLICATION_FACTOR").asText()).as(name).isEqualTo(String.valueOf(brokers.size()));
            // other instances reach this one by its service name for the data it owns
            assertThat(env.path("RUNWARDEN_ADVERTISED_HOST").asText()).as(name).isEqualTo(name);
            assertThat(texts(instance.path("ports"))).as(name).hasSize(1)
                    .allMatch(port -> port.endsWith(":" + env.path("RUNWARDEN_HTTP_PORT").asText()));
            String[] published = texts(instance.path("ports")).get(0).split(":");
            hostPorts.add(published[published.length - 2]);
            applicationIds.add(env.path("RUNWARDEN_APPLICATION_ID").asText());
            volumes.addAll(texts(instance.path("volumes")).stream().map(v -> v.split(":")[0]).toList());
            assertThat(texts(instance.path("volumes"))).as(name).anyMatch(v -> v.endsWith(":" + env.path("RUNWARDEN_DATA_DIR").asText()));
        });
        assertThat(applicationIds).as("one application: the instances share its partitions").hasSize(1);
        assertThat(volumes).as("a state directory each").hasSize(2);
        assertThat(hostPorts).containsExactly("8080", "8081");
    }

    @Test
    void composePassesTheThreeTokensAndRequiresTheApiToken() throws Exception {
        Map<String, JsonNode> instances = services(node -> node.path("build").asText().equals("."));
        assertThat(instances).hasSize(2);
        instances.forEach((name, instance) -> {
            JsonNode env = instance.path("environment");
            // inside its container the API listens beyond loopback: without a token nothing but /health, /ready,
            // /metrics and the page's files would answer, and the service refuses to start without the API token
            assertThat(env.path("RUNWARDEN_HTTP_HOST").asText()).as(name).isEqualTo("0.0.0.0");
            // ${VAR:?message}: compose itself refuses to start when the variable is unset or empty
            assertThat(env.path("RUNWARDEN_API_TOKEN").asText()).as(name).startsWith("${RUNWARDEN_API_TOKEN:?");
            // optional, passed through as given; empty is unset for the service
            for (String optional : List.of("RUNWARDEN_READ_TOKEN", "RUNWARDEN_METRICS_TOKEN")) {
                assertThat(env.path(optional).asText()).as(name + " " + optional).isEqualTo("${" + optional + ":-}");
            }
        });
    }

    @Test
    void composeRefusesToStartWithoutTheApiToken() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        for (String token : new String[] {null, ""}) {
            Map<String, String> env = new TreeMap<>();
            if (token != null) {
                env.put("RUNWARDEN_API_TOKEN", token);
            }
            CompletedCommand config = dockerComposeConfig(env);
            assertThat(config.exitValue()).as("RUNWARDEN_API_TOKEN=" + token + "\n" + config.output()).isNotZero();
            assertThat(config.output()).contains("set RUNWARDEN_API_TOKEN");
        }
    }

    @Test
    void composePublishesEveryPortOnLoopbackOnly() throws Exception {
        Map<String, JsonNode> all = services(node -> true);
        List<String> published = new ArrayList<>();
        all.forEach((name, service) -> texts(service.path("ports")).forEach(port -> published.add(name + " " + port)));
        assertThat(published).as("the brokers' host listeners and both APIs").hasSize(5);
        // host:container alone binds 0.0.0.0: a broker without authentication, open to the network
        assertThat(published).allMatch(port -> port.split(" ")[1].startsWith("127.0.0.1:"));
    }

    @Test
    void dockerfileRunsTheServiceAsAnUnprivilegedUser() throws Exception {
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        int runtimeStage = lastIndexOf(dockerfile, line -> line.startsWith("FROM "));
        List<String> runtime = dockerfile.subList(runtimeStage, dockerfile.size());
        List<String> users = runtime.stream().filter(line -> line.startsWith("USER ")).toList();
        assertThat(users).as("the runtime stage sets a user").isNotEmpty();
        String user = users.get(users.size() - 1).substring("USER ".length()).trim().split(":")[0];
        assertThat(user).isNotIn("root", "0");
        int entrypoint = lastIndexOf(runtime, line -> line.startsWith("ENTRYPOINT "));
        assertThat(runtime.indexOf(users.get(users.size() - 1))).as("USER before ENTRYPOINT").isLessThan(entrypoint);
        // the user must own the data dir, or the service cannot write its state there
        assertThat(runtime).anyMatch(line -> line.contains("chown") && line.contains("/data"));
    }

    @Test
    void dockerImageRunsTheJvmAsTheReadmesCommandDoes() throws Exception {
        Matcher javaOpts = Pattern.compile("(?m)^ENV JAVA_OPTS=\"([^\"]*)\"$").matcher(Files.readString(Path.of("Dockerfile")));
        assertThat(javaOpts.find()).as("the Dockerfile sets JAVA_OPTS").isTrue();
        // the archive is the image's own, at its own path; every other option (heap, compiler) is the README's
        List<String> image = Stream.of(javaOpts.group(1).split("\\s+"))
                .filter(option -> !option.startsWith("-XX:SharedArchiveFile=")).toList();
        List<String> readme = ReadmeCommand.jvmOptions().stream()
                .filter(option -> !option.startsWith("-XX:SharedArchiveFile=")).toList();
        assertThat(image).isEqualTo(readme);
    }

    @Test
    void dockerfileCopiesEveryResourceDirectoryBeforeBuildingTheJar() throws Exception {
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        int packaging = indexOf(dockerfile, line -> line.startsWith("RUN mvn") && line.contains(" package"));
        List<String> copied = dockerfile.subList(0, packaging).stream().filter(line -> line.startsWith("COPY "))
                .map(line -> line.split("\\s+")[1]).toList();
        Matcher directories = Pattern.compile("<directory>([^<]+)</directory>").matcher(Files.readString(Path.of("pom.xml")));
        List<String> resources = new ArrayList<>();
        while (directories.find()) {
            resources.add(directories.group(1));
        }
        // topics/ is read from the jar at start: an image built without it could not create its topics
        assertThat(resources).contains("topics");
        for (String resource : resources) {
            assertThat(copied).as(resource).anyMatch(source -> resource.equals(source) || resource.startsWith(source + "/"));
        }
    }

    @Test
    void composeFileParsesWithDockerCompose() throws Exception {
        assumeTrue(onPath("docker-compose"), "docker-compose is not installed");
        // the API token alone: the read and metrics tokens are optional
        CompletedCommand config = dockerComposeConfig(Map.of("RUNWARDEN_API_TOKEN", "test-token"));
        assertThat(config.exitValue()).as(config.output()).isZero();
    }

    @Test
    void readmeDocumentsEveryEnvironmentVariable() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (String name : Settings.ENV_VARS) {
            assertThat(readme).contains("`" + name + "`");
        }
    }

    /** Someone whose receiver is slow must be able to read why its deliveries are retried. */
    @Test
    void readmeSaysHowLongADeliveryAttemptMayTake() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("Each attempt times out after " + Sender.TIMEOUT.toSeconds()
                + " seconds");
    }

    @Test
    void ciRunsExactlyTheReadmeTestCommand() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        String ci = Files.readString(Path.of(".ci", "run"));
        String command = ci.lines().filter(l -> l.startsWith("mvn ")).findFirst().orElseThrow();
        assertThat(readme).contains("```sh\n" + command + "\n```");
    }

    private record CompletedCommand(int exitValue, String output) {
    }

    /** {@code docker-compose config -q} with these token variables and none of the others from this environment. */
    private static CompletedCommand dockerComposeConfig(Map<String, String> tokens) throws Exception {
        ProcessBuilder check = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true);
        for (String variable : List.of("RUNWARDEN_API_TOKEN", "RUNWARDEN_READ_TOKEN", "RUNWARDEN_METRICS_TOKEN")) {
            check.environment().remove(variable);
        }
        check.environment().putAll(tokens);
        Process process = check.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(Patience.COMMAND.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        return new CompletedCommand(process.exitValue(), output);
    }

    private static Map<String, JsonNode> services(Predicate<JsonNode> which) throws Exception {
        JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile()).path("services");
        Map<String, JsonNode> chosen = new TreeMap<>();
        services.fields().forEachRemaining(service -> {
            if (which.test(service.getValue())) {
                chosen.put(service.getKey(), service.getValue());
            }
        });
        return chosen;
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    private static int indexOf(List<String> lines, Predicate<String> which) {
        for (int i = 0; i < lines.size(); i++) {
            if (which.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such line in " + lines);
    }

    private static int lastIndexOf(List<String> lines, Predicate<String> which) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (which.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such line in " + lines);
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
