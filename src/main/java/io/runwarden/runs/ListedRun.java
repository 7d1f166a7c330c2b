package io.runwarden.runs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.runwarden.model.Json;
import io.runwarden.model.RunJson;
import io.runwarden.model.RunRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A run on a logs page: where the listing placed it ({@link RunIndexes#timeKey}) and its JSON as the API answers it
 * ({@link RunJson}), which an answer writes as it is.
 */
@JsonSerialize(using = ListedRun.AsJson.class)
public record ListedRun(String position, byte[] json) {

    /** A run read whole: from another instance's page, or from a pass over the runs. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ListedRun of(RunRecord run) {
        return new ListedRun(RunIndexes.timeKey(run), Json.bytes(run));
    }

    public RunRecord run() {
        return Json.read(json, RunRecord.class);
    }

    /** Writes the JSON's bytes into a UTF-8 answer as they are. */
    static final class AsJson extends StdSerializer<ListedRun> {
        AsJson() {
            super(ListedRun.class);
        }

        @Override
        public void serialize(ListedRun run, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeRawValue(new Utf8(run.json));
        }
    }

    /** JSON text that a UTF-8 generator takes as bytes, and one that writes characters as a string. */
    private static final class Utf8 extends SerializedString {
        Utf8(byte[] json) {
            super(new String(json, StandardCharsets.UTF_8));
            _unquotedUTF8Ref = json;
        }
    }
}
