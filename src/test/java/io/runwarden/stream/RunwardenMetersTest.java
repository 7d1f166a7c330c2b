package io.runwarden.stream;

import io.runwarden.metrics.RunwardenMeters;

import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.runwarden.stream.TopologyFixture.NOW;
import static org.assertj.core.api.Assertions.assertThat;

/** What the topology counts, as an operator would read it off the meters. */
class RunwardenMetersTest {
    private final TopologyFixture fixture = new TopologyFixture();

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void eventsAreCountedByTypeAndSweepsByTrigger() {
        fixture.started("stale", "nightlyImport", NOW.minus(Duration.ofDays(4)));
        fixture.started("alive", "nightlyImport", NOW.minus(Duration.ofHours(1)));
        fixture.send("alive", "{\"event\":\"heartbeat\"}");
        fixture.started("ok", "backup", NOW.minus(Duration.ofHours(2)));
        fixture.ended("ok", "succeeded", NOW.minus(Duration.ofHours(1)), "done");
        fixture.started("broken", "backup", NOW.minus(Duration.ofHours(2)));
        fixture.ended("broken", "failed", NOW.minus(Duration.ofHours(1)), "disk full");
        fixture.ended("broken", "failed", NOW.minus(Duration.ofHours(1)), "disk full");
        fixture.send("garbage", "{not json");

        assertThat(fixture.sweep(NOW).totalLogsUpdated()).isEqualTo(1);

        // the sweep's audit run of cleanupStaleScripts is a run like any other: one more start and success
        assertThat(applied("started")).isEqualTo(5);
        assertThat(applied("heartbeat")).isEqualTo(1);
        assertThat(applied("succeeded")).isEqualTo(2);
        assertThat(applied("failed")).as("a duplicate is applied, harmlessly, and counted").isEqualTo(2);
        assertThat(fixture.meters.get(RunwardenMeters.DEAD_LETTERS).tag("reason", "not-json").counter().count()).isEqualTo(1);
        assertThat(fixture.meters.get(RunwardenMeters.SWEEP_RUNS_FAILED).tag("trigger", "manual").counter().count()).isEqualTo(1);
        assertThat(fixture.meters.get(RunwardenMeters.SWEEP_RUNS_FAILED).tag("trigger", "scheduled").counter().count()).isZero();
        Timer duration = fixture.meters.get(RunwardenMeters.SWEEP_DURATION).tag("trigger", "manual").timer();
        assertThat(duration.count()).isEqualTo(1);
    }

    private double applied(String type) {
        return fixture.meters.get(RunwardenMeters.EVENTS_APPLIED).tag("type", type).counter().count();
    }
}
