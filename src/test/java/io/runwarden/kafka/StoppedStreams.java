package io.runwarden.kafka;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka Streams that ran no further than being closed, with a store named {@code runs}: no broker needed. */
public final class StoppedStreams {
    private StoppedStreams() {
    }

    public static KafkaStreams create(Path stateDir) {
        Topology topology = new Topology();
        topology.addSource("in", "in").addProcessor("p", () -> new Processor<Object, Object, Object, Object>() {
                    @Override
                    public void process(Record<Object, Object> record) {
                    }
                }, "in")
                .addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("runs"), Serdes.String(),
                        Serdes.String()), "p");
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "stopped-streams");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9");
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        KafkaStreams streams = new KafkaStreams(topology, config);
        streams.close(Duration.ofSeconds(30));
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
        return streams;
    }
}
