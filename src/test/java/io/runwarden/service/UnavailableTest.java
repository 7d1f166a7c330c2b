package io.runwarden.service;

import io.runwarden.kafka.StoppedStreams;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnavailableTest {
    @Test
    void metadataAndGlobalStoresAskedOfStoppedStreamsAreUnavailableNotAnError(@TempDir Path dir) {
        KafkaStreams streams = StoppedStreams.create(dir);
        // Kafka Streams itself throws IllegalStateException for each, which the API would answer with 500
        assertThatThrownBy(() -> Unavailable.unlessStopping(streams::metadataForAllStreamsClients))
                .isInstanceOf(Unavailable.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> Unavailable.unlessStopping(
                () -> streams.queryMetadataForKey("runs", "run-1", Serdes.String().serializer())))
                .isInstanceOf(Unavailable.class);
        assertThatThrownBy(() -> new GlobalStores(streams).get("runs")).isInstanceOf(Unavailable.class);
    }
}
