package io.runwarden.exec;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The command gets its arguments byte for byte, whatever charset the JVM encodes a new process's arguments with. */
class CommandBytesTest {
    @Test
    void argumentsTheCharsetCannotCarryReachTheCommandByteForByteThroughTheShell() throws Exception {
        List<byte[]> args = new ArrayList<>(List.of(bytes("printf"), bytes("%s|"), "café".getBytes(StandardCharsets.UTF_8),
                new byte[] {'c', 'a', 'f', (byte) 0xE9}, bytes("it's \"quoted\" $HOME `x` \\n %d"), bytes("ends in newlines\n\n"),
                bytes(""), bytes("x")));
        byte[] all = new byte[255];
        for (int i = 1; i < 256; i++) {
            all[i - 1] = (byte) i;
        }
        args.add(all);

        List<String> argv = CommandBytes.argv(args, StandardCharsets.US_ASCII);

        assertThat(argv.get(0)).isEqualTo(CommandBytes.SHELL);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] arg : args.subList(2, args.size())) {
            expected.write(arg);
            expected.write('|');
        }
        assertThat(run(argv)).isEqualTo(expected.toByteArray());
    }

    @Test
    void argumentsTheCharsetCarriesAreGivenAsTheyAre() {
        List<byte[]> args = List.of(bytes("printf"), "café".getBytes(StandardCharsets.UTF_8));

        assertThat(CommandBytes.argv(args, StandardCharsets.UTF_8)).containsExactly("printf", "café");
        assertThat(CommandBytes.argv(List.of(bytes("true"), bytes("plain")), StandardCharsets.US_ASCII))
                .containsExactly("true", "plain");
    }

    private static byte[] run(List<String> argv) throws Exception {
        Process process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        return out;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}
