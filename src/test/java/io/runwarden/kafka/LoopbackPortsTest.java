package io.runwarden.kafka;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class LoopbackPortsTest {

    /** Ports from the ephemeral range could meanwhile become the local end of a client's connection (CI saw it). */
    @Test
    void portsAreTakenBelowTheKernelsEphemeralRange() throws IOException {
        int ephemeral;
        try (BufferedReader reader = Files.newBufferedReader(LoopbackPorts.RANGE)) {
            ephemeral = Integer.parseInt(reader.readLine().trim().split("\\s+")[0]);
        }
        assertThat(LoopbackPorts.ephemeralStart()).isEqualTo(ephemeral);
        for (int i = 0; i < 20; i++) {
            assertThat(LoopbackPorts.free()).isLessThan(ephemeral);
        }
    }

    /**
     * The embedded broker's controller port is picked while the HTTP server is still starting: a pick of the HTTP
     * port, free for that moment, made the broker fail to bind and the service exit (a benchmark's start saw it).
     */
    @Test
    void aPortPromisedToAnotherListenerIsNeverGiven() {
        Set<Integer> promised = new HashSet<>();
        for (int port = 1; port < LoopbackPorts.ephemeralStart(); port++) {
            promised.add(port);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(promised).doesNotContain(LoopbackPorts.free(promised));
        }
    }

    /**
     * A port given is bound a moment later, seconds later by a child process: another caller meanwhile must not get
     * it (a restarted service's broker found its port taken in CI). 500 random picks among some 12,000 ports would
     * repeat one almost surely.
     */
    @Test
    void aPortGivenIsNotGivenAgainWhileItMayNotBeBoundYet() {
        Set<Integer> given = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            assertThat(given.add(LoopbackPorts.free())).as("pick %d given again", i).isTrue();
        }
    }

    /** Processes picking side by side (the test JVMs) each pick in a slice of their own, and together cover the range. */
    @Test
    void eachSliceHasItsOwnPortsAndTheSlicesCoverTheRange() {
        assertThat(LoopbackPorts.slice(20_000, 32_000, "1/3")).containsExactly(20_000, 24_000);
        assertThat(LoopbackPorts.slice(20_000, 32_000, "2/3")).containsExactly(24_000, 28_000);
        assertThat(LoopbackPorts.slice(20_000, 32_000, "3/3")).containsExactly(28_000, 32_000);
        // a fork number past the slices wraps, and anything else is the whole range
        assertThat(LoopbackPorts.slice(20_000, 32_000, "4/3")).containsExactly(20_000, 24_000);
        for (String whole : new String[]{null, "", "0/3", "1/0", "a/b", "1/3/4", "-1/3", "${surefire.forkNumber}/3"}) {
            assertThat(LoopbackPorts.slice(20_000, 32_000, whole)).as(whole).containsExactly(20_000, 32_000);
        }
    }
}
