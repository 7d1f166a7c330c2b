package io.runwarden.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Ports free on 127.0.0.1 now (where the embedded broker listens), to listen on a moment later. */
public final class LoopbackPorts {
    private LoopbackPorts() {
    }

    /**
     * A free port taken below the kernel's ephemeral range: a port from it (what binding port 0 gives) could meanwhile
     * become the local end of any outgoing connection, a Kafka client's say, and the embedded broker then failed to
     * start with "Address already in use" (twice in CI runs).
     */
    public static int free() {
        try {
            InetAddress loopback = InetAddress.getByName("127.0.0.1");
            int ephemeral = ephemeralStart();
            int low = Math.max(10_000, ephemeral - 12_000);
            for (int attempt = 0; attempt < 200 && low < ephemeral; attempt++) {
                int port = ThreadLocalRandom.current().nextInt(low, ephemeral);
                try (ServerSocket socket = new ServerSocket(port, 1, loopback)) {
                    return socket.getLocalPort();
                } catch (BindException taken) {
                    // another one
                }
            }
            try (ServerSocket socket = new ServerSocket(0, 1, loopback)) {
                return socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on loopback", e);
        }
    }

    /** The first port of Linux's ip_local_port_range, or of its default where it cannot be read. */
    private static int ephemeralStart() {
        try {
            return Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
