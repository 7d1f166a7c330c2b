package io.runwarden.stream;

import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.Times;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A run serialized once per change: the runs' store (and its changelog) and {@code script-runs} are handed the same
 * record, one after the other on the stream thread, and now the same bytes. A run is an immutable record, so the
 * same object has the same JSON.
 */
final class RunBytes {
    private static final ThreadLocal<RunBytes> LAST = ThreadLocal.withInitial(RunBytes::new);

    private RunRecord run;
    private byte[] bytes;

    private RunBytes() {
    }

    static byte[] of(RunRecord run) {
        RunBytes last = LAST.get();
        if (last.run != run) {
            last.bytes = Json.bytes(run);
            last.run = run;
        }
        return last.bytes;
    }

    /** The run as the runs' store keeps it: its JSON on script-runs, and when its end was recorded. */
    static byte[] stored(RunRecord run) {
        byte[] json = of(run);
        if (run.endRecorded() == null) {
            return json;
        }
        byte[] tail = (",\"endRecorded\":\"" + Times.format(run.endRecorded()) + "\"}").getBytes(StandardCharsets.US_ASCII);
        byte[] stored = Arrays.copyOf(json, json.length - 1 + tail.length); // in place of the closing brace
        System.arraycopy(tail, 0, stored, json.length - 1, tail.length);
        return stored;
    }

    /** The runs' store's serde. */
    static Serde<RunRecord> serde() {
        return Serdes.serdeFrom((topic, run) -> run == null ? null : stored(run),
                (topic, bytes) -> bytes == null ? null : Json.read(bytes, RunRecord.class));
    }
}
