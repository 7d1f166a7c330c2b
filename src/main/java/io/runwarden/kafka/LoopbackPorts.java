package io.runwarden.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Ports free on 127.0.0.1 now (where the embedded broker listens), to listen on a moment later. */
public final class LoopbackPorts {
    static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /**
     * How many ports lately given are not given again: a port is free when given and bound a moment later, seconds
     * later by a child process, and a second caller of this process in that moment got the same port (a restart's
     * broker in CI, beside a failover test's starting processes).
     */
    static final int REMEMBERED = 1_000;
    private static final ArrayDeque<Integer> GIVEN = new ArrayDeque<>();
    /**
     * {@code i/n}: this process picks only in the i-th of n equal slices of the range, so that processes picking side
     * by side (the test JVMs, each with its number) never pick the same port; unset, the whole range.
     */
    public static final String SLICE = "runwarden.ports.slice";

    private LoopbackPorts() {
    }

    /** A free port, as {@link #free(Set)} with no port promised. */
    public static int free() {
        return free(Set.of());
    }

    /**
     * A free port taken below the kernel's ephemeral range: a port from it (what binding port 0 gives) could meanwhile
     * become the local end of any outgoing connection, a Kafka client's say, and the embedded broker then failed to
     * start with "Address already in use" (twice in CI runs).
     *
     * @param promised ports other parts of this process will listen on but may not have bound yet (the HTTP port, the
     *                 broker's): free now, taken a moment later, as a benchmark's start once saw. Ports this method
     *                 gave lately are never given again either
     */
    public static int free(Set<Integer> promised) {
        synchronized (GIVEN) {
            Set<Integer> avoided = new HashSet<>(promised);
            avoided.addAll(GIVEN);
            int port = pick(avoided);
            GIVEN.addLast(port);
            if (GIVEN.size() > REMEMBERED) {
                GIVEN.removeFirst();
            }
            return port;
        }
    }

    private static int pick(Set<Integer> avoided) {
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            int ephemeral = ephemeralStart();
            int[] range = slice(Math.max(10_000, ephemeral - 12_000), ephemeral, System.getProperty(SLICE));
            for (int attempt = 0; attempt < 200 && range[0] < range[1]; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(range[0], range[1]);
                if (avoided.contains(port)) {
                    continue;
                }
                try (ServerSocket socket = new ServerSocket(port, 1, loopback)) {
                    return socket.getLocalPort();
                } catch (BindException taken) {
                    // another one
                }
            }
            while (true) {
                try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                    if (!avoided.contains(socket.getLocalPort())) {
                        return socket.getLocalPort();
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    /** The ports from {@code low} to {@code high} (excluded), or the slice of them that {@code slice} names. */
    static int[] slice(int low, int high, String slice) {
        if (slice == null || !slice.matches("[1-9][0-9]{0,2}/[1-9][0-9]{0,2}")) {
            return new int[]{low, high};
        }
        String[] parts = slice.split("/");
        int n = Integer.parseInt(parts[1]);
        int i = (Integer.parseInt(parts[0]) - 1) % n;
        int width = (high - low) / n;
        return new int[]{low + i * width, low + (i + 1) * width};
    }

    /** The first port of Linux's ip_local_port_range, or of its default where it cannot be read. */
    static int ephemeralStart() {
        try {
            // by lines: Java 17's Files.readString gives only the first byte of a /proc file, whose size says 0
            return Integer.parseInt(Files.readAllLines(RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
