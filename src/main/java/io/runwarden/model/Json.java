package io.runwarden.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The one JSON mapper: instants as {@code 2025-11-20T10:30:00.000Z}, durations as {@code P3D}. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            // a character beyond the BMP (an emoji in a message) as its 4 UTF-8 bytes, as a string's encoding writes it,
            // not as two escaped surrogates
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build())
            .registerModule(new SimpleModule("runwarden-times")
                    .addSerializer(Instant.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            gen.writeString(Times.format(value));
                        }
                    })
                    .addDeserializer(Instant.class, new JsonDeserializer<>() {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Times.parseInstant(p.getValueAsString());
                        }
                    })
                    .addSerializer(Duration.class, new JsonSerializer<>() {
                        @Override
                        public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            gen.writeString(Times.format(value));
                        }
                    })
                    .addDeserializer(Duration.class, new JsonDeserializer<>() {
                        @Override
                        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Duration.parse(p.getValueAsString());
                        }
                    }))
            // state written by an older version must stay readable after fields are added
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            // a value with more after its JSON is not JSON: the second line of NDJSON, a failure, would vanish unread
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    /**
     * What comes from outside (events, request bodies) as a tree: a field given twice is refused, as no reading of
     * {@code {"event":"started","event":"failed"}} can be sure to be its sender's.
     */
    private static final ObjectReader INPUT = MAPPER.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** A reader per type, resolved once: the mapper resolved the type again on every read of a stored run. */
    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new SerializationException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return READERS.computeIfAbsent(type, MAPPER::readerFor).readValue(bytes);
        } catch (IOException e) {
            throw new SerializationException("cannot read " + type.getSimpleName() + " from JSON", e);
        }
    }

    /** Input from outside as a tree: null for no content, an {@link IOException} for bad JSON or a field given twice. */
    public static JsonNode input(byte[] bytes) throws IOException {
        return INPUT.readTree(bytes);
    }

    public static String string(Object value) {
        return new String(bytes(value), StandardCharsets.UTF_8);
    }

    public static <T> T read(String json, Class<T> type) {
        return read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    /**
     * {@link #serde}, handing out again the value it read from the same bytes before, of at most {@code most} byte strings:
     * for immutable values read far more often than written, as the scripts' policies, all of which every
     * missed-start tick reads (parsing them was a third of a tick of 10,000 schedules).
     */
    public static <T> Serde<T> rereadSerde(Class<T> type, int most) {
        Map<ByteBuffer, T> known = new ConcurrentHashMap<>();
        return Serdes.serdeFrom(serde(type).serializer(), (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            T value = known.get(ByteBuffer.wrap(bytes));
            if (value == null) {
                value = read(bytes, type);
                if (known.size() >= most) {
                    known.clear();
                }
                known.put(ByteBuffer.wrap(bytes.clone()), value);
            }
            return value;
        });
    }

    /** A Kafka serde for a record type; null stays null so tombstones pass through. */
    public static <T> Serde<T> serde(Class<T> type) {
        return Serdes.serdeFrom(
                (topic, value) -> value == null ? null : bytes(value),
                (topic, bytes) -> bytes == null ? null : read(bytes, type));
    }
}
