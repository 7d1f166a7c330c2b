package io.runwarden.stream;

import io.runwarden.model.Json;
import io.runwarden.model.RunJson;
import io.runwarden.model.RunRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

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

    /** The run as the runs' store keeps it ({@link RunJson}). */
    static byte[] stored(RunRecord run) {
        return RunJson.stored(of(run), run.endRecorded());
    }

    /** The runs' store's serde. */
    static Serde<RunRecord> serde() {
        return Serdes.serdeFrom((topic, run) -> run == null ? null : stored(run),
                (topic, bytes) -> bytes == null ? null : Json.read(bytes, RunRecord.class));
    }
}
