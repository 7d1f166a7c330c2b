package io.runwarden.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

/** What a start creates for the topology before Kafka Streams would (`ServiceEndToEndTest` holds it to the broker's). */
class RunwardenTopologyTest {

    @Test
    void theChangelogsAreTheLoggedStoresWithThePartitionsOfWhatTheirProcessorReads() {
        // outcomes on 4 partitions, events on 6: each changelog follows the topic its own processor reads
        var topology = RunwardenTopology.build(Duration.ofDays(3), Duration.ofDays(90), 6, 4, "app");

        assertThat(RunwardenTopology.changelogs(topology, "app", 6, 4)).containsOnly(
                entry("app-runs-changelog", 6),
                entry("app-index-generation-changelog", 6),
                entry("app-sweeps-changelog", 6),
                entry("app-scheduler-slots-changelog", 6),
                entry("app-start-checks-changelog", 6),
                entry("app-forwarded-starts-changelog", 6),
                entry("app-ping-runs-changelog", 6),
                entry("app-script-health-changelog", 4),
                entry("app-alert-batches-changelog", 4));
    }
}
