package io.runwarden;

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
        String slice = System.getProperty("runwarden.ports.slice");
        if (slice != null) {
            command.add("-Drunwarden.ports.slice=" + slice); // its free ports from its fork's slice (pom.xml, test.jvm)
        }
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        return command;
    }
}
