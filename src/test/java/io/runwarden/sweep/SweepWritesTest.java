package io.runwarden.sweep;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A read of a partition that answered a sweep waits for the sweep's runs, and only for its own partitions. */
class SweepWritesTest {
    private final SweepWrites writes = new SweepWrites();

    @Test
    void aReadWaitsUntilThePartitionsRunsAreWritten() throws Exception {
        writes.writing(2, true);

        CompletableFuture<Boolean> read = CompletableFuture.supplyAsync(
                () -> writes.awaitWritten(List.of(1, 2), Duration.ofMinutes(1)));

        assertThat(writes.awaitWritten(List.of(1, 3), Duration.ZERO)).as("other partitions are read at once").isTrue();
        assertThat(read).as("partition 2 is still writing").isNotDone();
        writes.writing(2, false);
        assertThat(read.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aReadWaitsNoLongerThanItsBound() {
        writes.writing(0, true);

        long began = System.nanoTime();
        boolean written = writes.awaitWritten(List.of(0), Duration.ofMillis(200));

        assertThat(written).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
}
