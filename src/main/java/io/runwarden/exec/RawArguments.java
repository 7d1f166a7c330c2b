package io.runwarden.exec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The arguments as the process was given them, in bytes. Java 17 decodes {@code main}'s arguments with the locale's
 * charset, and cron sets no locale: every byte over 127 then becomes U+FFFD before runwarden sees it ({@code café}
 * arrives as {@code caf��}), and {@code -Dsun.jnu.encoding} cannot change that on 17. Linux keeps the bytes in
 * {@code /proc/self/cmdline}.
 */
final class RawArguments {
    private static final Path CMDLINE = Path.of("/proc/self/cmdline");

    private RawArguments() {
    }

    /**
     * The bytes of {@code args}, the last arguments of this process; empty where they cannot be read (not Linux) or do
     * not decode to {@code args} in the charset Java decoded them with (then they are not these arguments).
     */
    static Optional<List<byte[]>> of(List<String> args) {
        byte[] cmdline;
        try {
            cmdline = Files.readAllBytes(CMDLINE);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.empty();
        }
        List<byte[]> all = split(cmdline);
        if (all.size() < args.size()) {
            return Optional.empty();
        }
        List<byte[]> mine = all.subList(all.size() - args.size(), all.size());
        Charset platform = platformCharset();
        for (int i = 0; i < args.size(); i++) {
            if (!new String(mine.get(i), platform).equals(args.get(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(List.copyOf(mine));
    }

    /** The bytes as UTF-8; a byte that is not part of UTF-8 as {@code \xNN}, so that the text says what was given. */
    static String text(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length * 4);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (!result.isError()) {
                break;
            }
            for (int i = 0; i < result.length(); i++) {
                out.put(String.format("\\x%02X", in.get() & 0xff));
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static List<byte[]> split(byte[] cmdline) {
        List<byte[]> args = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < cmdline.length; i++) {
            if (cmdline[i] == 0) {
                args.add(Arrays.copyOfRange(cmdline, start, i));
                start = i + 1;
            }
        }
        return args;
    }

    /** What the launcher decoded {@code main}'s arguments with. */
    private static Charset platformCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (RuntimeException e) {
            return Charset.defaultCharset();
        }
    }
}
