package io.runwarden;

import io.runwarden.kafka.LoopbackPorts;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command that runs a class of the test classpath in a JVM of its own: a service, a broker, a CLI. */
public final class TestJvm {
    private TestJvm() {
    }

    /**
     * {@code java} with {@code options}, the test classpath and {@code main}, in a list of its own that the caller adds
     * the arguments to. Such a JVM lives for seconds to a few minutes on 2 cores that the test forks share, so it runs
     * without C2 as the forks do ({@code test.jvm} in pom.xml): its compiling cost more CPU than its faster code gave
     * back (CrashTest alone: 91 s with it, 63 s without), and with one collector thread.
     */
    public static List<String> command(String maxHeap, Class<?> main, String... options) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + maxHeap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        String slice = System.getProperty(LoopbackPorts.SLICE);
        if (slice != null && slice.matches("[0-9]+/[0-9]+")) {
            command.add("-D" + LoopbackPorts.SLICE + "=" + childSlice(slice));
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return command;
    }

    /**
     * The forks take the first half of the slices (pom.xml, test.jvm) and their children the second: fork i's
     * children pick their ports (a broker's controller port, say) in slice i + n/2, never among the ports their
     * fork picked and has not bound yet, which it does not know of.
     */
    static String childSlice(String forkSlice) {
        String[] parts = forkSlice.split("/");
        int n = Integer.parseInt(parts[1]);
        return (Integer.parseInt(parts[0]) + n / 2) + "/" + n;
    }
}
