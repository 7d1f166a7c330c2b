package io.runwarden.exec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The last bytes a command wrote to stderr, for the message of a failed run: the end of stderr is where the
 * reason usually is, and the service cuts messages at 8192 characters anyway.
 */
final class StderrTail {
    static final int MAX_BYTES = 2048;
    static final int MAX_LINES = 20;

    private final byte[] ring = new byte[MAX_BYTES];
    private long written;

    synchronized void append(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (written++ % MAX_BYTES)] = bytes[offset + i];
        }
    }

    /** At most the last {@value MAX_LINES} lines, without the trailing newline; "…" marks a cut first line. */
    synchronized String text() {
        int kept = (int) Math.min(written, MAX_BYTES);
        byte[] bytes = new byte[kept];
        for (int i = 0; i < kept; i++) {
            bytes[i] = ring[(int) ((written - kept + i) % MAX_BYTES)];
        }
        String text = new String(bytes, StandardCharsets.UTF_8).stripTrailing();
        List<String> lines = Arrays.asList(text.split("\n", -1));
        boolean cut = written > MAX_BYTES || lines.size() > MAX_LINES;
        List<String> last = lines.subList(Math.max(0, lines.size() - MAX_LINES), lines.size());
        // a cut may split a multi-byte character: its remains decode as U+FFFD
        String joined = String.join("\n", last).replaceFirst("^\uFFFD+", "");
        return cut && !joined.isEmpty() ? "…" + joined : joined;
    }
}
