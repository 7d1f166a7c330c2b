package io.runwarden.kafka;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * A real single-node KRaft broker (combined broker and controller) in this JVM, listening on 127.0.0.1.
 * Its log directory survives restarts: storage is formatted only once, since formatting again would give the
 * node a new cluster id that its existing logs refuse.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final int port;

    private EmbeddedKafka(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts the broker on {@code port} (0: any free port) with its logs under {@code dataDir/kafka}. */
    public static EmbeddedKafka start(Path dataDir, int port) {
        return start(dataDir, port, Set.of(), Map.of());
    }

    /**
     * The same, with broker properties of the caller's on top of runwarden's (a broker process of its own, say).
     *
     * @param promised ports this process will listen on besides the broker's, which the controller must not take
     */
    public static EmbeddedKafka start(Path dataDir, int port, Set<Integer> promised, Map<String, String> brokerProperties) {
        int brokerPort = port == 0 ? LoopbackPorts.free(promised) : port;
        Set<Integer> taken = new HashSet<>(promised);
        taken.add(brokerPort);
        int controllerPort = LoopbackPorts.free(taken);
        Path logDir = dataDir.resolve("kafka").toAbsolutePath();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        ensurePortFree(brokerPort);

        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("listeners", "PLAINTEXT://" + HOST + ":" + brokerPort + ",CONTROLLER://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        // one node: every internal topic has one replica
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // one node serves one application: 50 partitions each (the defaults) only slow the first start, when the
        // first consumer group and the first transaction create these topics
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        // the broker is ready once a heartbeat finds it unfenced: every 2 s by default, a second of each cold start
        props.put("broker.heartbeat.interval.ms", "250");
        props.put("auto.create.topics.enable", "false");
        props.putAll(brokerProperties);
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(logDir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        LOG.info("embedded Kafka broker listening on {}:{} with data in {}", HOST, brokerPort, logDir);
        return new EmbeddedKafka(server, brokerPort);
    }

    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }

    private static void format(Path logDir) {
        try {
            new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(1)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(logDir.toString())
                    .setDirectories(List.of(logDir.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format the embedded broker's storage in " + logDir + ": " + e.getMessage(), e);
        }
    }

    private static void ensurePortFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(HOST))) {
            socket.setReuseAddress(true);
        } catch (IOException e) {
            throw new IllegalStateException("port " + HOST + ":" + port + " is in use: set RUNWARDEN_EMBEDDED_KAFKA_PORT to a"
                    + " free port, or KAFKA_BOOTSTRAP_SERVERS to use a running cluster", e);
        }
    }
}
