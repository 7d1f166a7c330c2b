package io.runwarden.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.common.errors.SerializationException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A run's JSON as the runs' store keeps it: the run's JSON as the API and {@code script-runs} give it, and, once its
 * end was recorded, that instant as one last field, {@code ,"endRecorded":"…"}. A logs page answers with the stored
 * bytes, that field cut off, instead of reading each run and writing it again: that was half of a page's CPU. A run
 * stored before answers were written as UTF-8 keeps an emoji as two escaped surrogates: the same JSON.
 */
public final class RunJson {
    private static final byte[] END_RECORDED = ",\"endRecorded\":\"".getBytes(StandardCharsets.US_ASCII);
    /** The field, its instant (24 characters for the years 0–9999, a few more beyond) and the closing brace fit in it. */
    private static final int TAIL_WITHIN = 64;

    private RunJson() {
    }

    /** The stored form of a run whose JSON is {@code json}. */
    public static byte[] stored(byte[] json, Instant endRecorded) {
        if (endRecorded == null) {
            return json;
        }
        byte[] instant = (Times.format(endRecorded) + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] stored = Arrays.copyOf(json, json.length - 1 + END_RECORDED.length + instant.length); // in place of the closing brace
        System.arraycopy(END_RECORDED, 0, stored, json.length - 1, END_RECORDED.length);
        System.arraycopy(instant, 0, stored, json.length - 1 + END_RECORDED.length, instant.length);
        return stored;
    }

    /**
     * The run's JSON as the API answers it. The field's bytes can only be the field: within a JSON string every quote
     * is escaped, and no other object of a run has such a field.
     */
    public static byte[] answered(byte[] stored) {
        int from = Math.max(0, stored.length - TAIL_WITHIN);
        for (int at = stored.length - END_RECORDED.length; at >= from; at--) {
            if (Arrays.equals(stored, at, at + END_RECORDED.length, END_RECORDED, 0, END_RECORDED.length)) {
                byte[] answered = Arrays.copyOf(stored, at + 1);
                answered[at] = '}';
                return answered;
            }
        }
        return stored;
    }

    /** The run's status, read from its JSON up to that field only. */
    public static RunStatus status(byte[] json) {
        try (JsonParser parser = Json.MAPPER.createParser(json)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    if (field.equals("status")) {
                        return RunStatus.of(parser.getIntValue());
                    }
                    parser.skipChildren();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SerializationException("cannot read the status of a stored run", e);
        }
        throw new SerializationException("a stored run without a status");
    }
}
