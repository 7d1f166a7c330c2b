package io.runwarden;

import io.runwarden.kafka.StoreNames;
import io.runwarden.runs.RestoredRuns;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RestoreProgressTest {
    @Test
    void aRestoredBatchReachesTheRunsReadModelAndKeepsTheStreamsFromCountingAsStuck() {
        AtomicLong now = new AtomicLong();
        StreamsStateWatch watch = new StreamsStateWatch(reason -> { }, () -> { }, now::get);
        watch.onChange(State.REBALANCING, State.CREATED);
        RestoredRuns restoredRuns = new RestoredRuns();
        RestoreProgress progress = new RestoreProgress(restoredRuns, watch);
        TopicPartition changelog = new TopicPartition("runwarden-" + StoreNames.RUNS + "-changelog", 3);

        now.addAndGet(Duration.ofMinutes(4).toNanos());
        progress.onRestoreStart(changelog, StoreNames.RUNS, 0, 1_000);
        progress.onBatchRestored(changelog, StoreNames.RUNS, 500, 500);
        now.addAndGet(Duration.ofMinutes(4).toNanos());

        assertThat(restoredRuns.take(3)).as("the partition's indexes will be rebuilt").isTrue();
        assertThat(watch.stuck()).as("8 minutes out of RUNNING, a batch restored 4 minutes ago").isNull();
    }
}
