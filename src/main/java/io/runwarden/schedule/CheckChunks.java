package io.runwarden.schedule;

import io.runwarden.model.Json;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A tick's due slots cut into the slot lists of its checks: at most {@link StartChecks#SLOTS_PER_CHECK} slots and
 * about {@link #MAX_BYTES} of JSON each. A count alone let 1,000 slots of 256-character names (an emoji is 4 bytes of
 * JSON, a control character 6) make a record of megabytes, which Kafka refuses: the streams stopped, and stopped again
 * at each start.
 */
final class CheckChunks {
    /**
     * The JSON of a check's slots at most, as the outcomes of {@code Emitter}: the check goes to every partition, and
     * its home keeps it in a changelogged store, both far below a topic's default 1 MB.
     */
    static final int MAX_BYTES = 256 * 1024;
    /** What a group of slots ({@link SlotGroups}) writes besides its names, with room to spare. */
    static final int GROUP_BYTES = 128;

    private CheckChunks() {
    }

    /** @param due sorted by slot, then grace, as a check writes them; no slot is left out or repeated */
    static List<List<ExpectedSlot>> of(List<ExpectedSlot> due) {
        List<List<ExpectedSlot>> chunks = new ArrayList<>();
        List<ExpectedSlot> chunk = new ArrayList<>();
        int bytes = 0;
        ExpectedSlot previous = null;
        Map<String, Integer> names = new HashMap<>(); // a script has many slots in a tick that catches up
        for (ExpectedSlot slot : due) {
            int name = names.computeIfAbsent(slot.scriptName(), CheckChunks::jsonBytes);
            boolean newGroup = previous == null || !slot.slot().equals(previous.slot()) || !slot.grace().equals(previous.grace());
            // a name (256 characters at most) is a few KB at most: one always fits in an empty chunk
            int size = name + 1 + (newGroup ? GROUP_BYTES : 0);
            if (!chunk.isEmpty() && (chunk.size() == StartChecks.SLOTS_PER_CHECK || bytes + size > MAX_BYTES)) {
                chunks.add(List.copyOf(chunk));
                chunk = new ArrayList<>();
                bytes = 0;
                size = name + 1 + GROUP_BYTES; // a chunk starts with a group
            }
            chunk.add(slot);
            bytes += size;
            previous = slot;
        }
        if (!chunk.isEmpty()) {
            chunks.add(List.copyOf(chunk));
        }
        return chunks;
    }

    /** The bytes of a name's JSON string: counted for names of printable ASCII, as most are, else written. */
    static int jsonBytes(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                return Json.bytes(name).length;
            }
        }
        return name.length() + 2;
    }
}
