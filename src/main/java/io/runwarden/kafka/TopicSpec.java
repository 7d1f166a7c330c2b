package io.runwarden.kafka;

import com.fasterxml.jackson.core.type.TypeReference;
import io.runwarden.model.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** One topic as defined in {@code topics/topics.json}; a null replication factor means the broker's default. */
public record TopicSpec(String name, int partitions, Short replicationFactor, Map<String, String> config,
                        String doc) {

    private static final String RESOURCE = "/topics/topics.json";

    /** Every topic, those internal to one application named for {@code applicationId}. */
    public static List<TopicSpec> all(String applicationId) {
        return raw().stream().map(t -> new TopicSpec(t.name.replace(Topics.APPLICATION, applicationId), t.partitions,
                t.replicationFactor, t.config, t.doc)).toList();
    }

    private static List<TopicSpec> raw() {
        try (InputStream in = TopicSpec.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return Json.MAPPER.readValue(in, new TypeReference<List<TopicSpec>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    public static TopicSpec named(String name) {
        return raw().stream().filter(t -> t.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic " + name + " in " + RESOURCE));
    }
}
