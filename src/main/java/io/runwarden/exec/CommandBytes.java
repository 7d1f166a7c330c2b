package io.runwarden.exec;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What to start so that the command gets its arguments byte for byte. Java 17 encodes a new process's arguments with
 * its default charset: US-ASCII under cron, which has no locale, turns every byte over 127 into {@code ?}. When that
 * would change an argument, the command is started through {@code /bin/sh}, which rebuilds each argument from an
 * ASCII {@code printf} of its bytes and then execs the command (same process, same signals, same exit code).
 */
final class CommandBytes {
    static final String SHELL = "/bin/sh";
    /** Bytes that stand for themselves in a printf format inside single quotes. */
    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-=:,+@";

    private CommandBytes() {
    }

    /** The argv to start: the command itself when {@code charset} carries its bytes, else the shell that rebuilds them. */
    static List<String> argv(List<byte[]> command, Charset charset) {
        List<String> direct = new ArrayList<>();
        for (byte[] arg : command) {
            String text = new String(arg, charset);
            if (!Arrays.equals(text.getBytes(charset), arg)) {
                return List.of(SHELL, "-c", script(command), "runwarden-exec");
            }
            direct.add(text);
        }
        return direct;
    }

    /** Sets each argument from octal escapes (an x after each keeps trailing newlines from $( )), then execs them. */
    static String script(List<byte[]> command) {
        StringBuilder script = new StringBuilder("set --\n");
        for (byte[] arg : command) {
            script.append("a=$(printf '");
            for (byte b : arg) {
                int c = b & 0xff;
                if (PLAIN.indexOf(c) >= 0) {
                    script.append((char) c);
                } else {
                    script.append('\\').append(String.format("%03o", c));
                }
            }
            script.append("x'); set -- \"$@\" \"${a%x}\"\n");
        }
        return script.append("exec \"$@\"\n").toString();
    }
}
