package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What a channel is sent next, and how far the feed may be committed, as alerts and batch ends come in. */
class ChannelOutboxTest {
    private static final Instant T = Instant.parse("2026-11-28T02:00:00Z");

    private static Alert timeout(String runId, String sweepId) {
        return Alert.of(AlertKind.TIMEOUT, "nightly", runId, T, "late", sweepId, null);
    }

    private static Alert failed(String runId) {
        return Alert.of(AlertKind.FAILED, "etl", runId, T, "boom", null, null);
    }

    /** Sends everything due, as the worker would, and returns what went out: ids, a digest as "digest(n)". */
    private static List<String> drain(ChannelOutbox outbox, Instant now) {
        List<String> sent = new ArrayList<>();
        for (Optional<ChannelOutbox.Ready> next = outbox.next(now); next.isPresent(); next = outbox.next(now)) {
            ChannelOutbox.Ready ready = next.get();
            sent.add(ready.digest() ? "digest(" + ready.fed().size() + ")" : ready.alerts().get(0).alertId());
            outbox.settled(ready);
        }
        return sent;
    }

    @Test
    void aBatchWaitsForItsEndOnEveryPartitionThenGoesAsOneDigestAboveTenAndWhatCameAfterFollows() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        for (int i = 0; i < 11; i++) {
            outbox.alert(i % 2, 100 + i, timeout("run-" + i, "sweep-1"));
        }
        outbox.alert(0, 200, failed("later"));
        outbox.batchEnd(0, 150, "sweep-1", T);
        assertThat(drain(outbox, T)).as("one partition's end is not enough").isEmpty();

        outbox.batchEnd(1, 151, "sweep-1", T);

        assertThat(drain(outbox, T)).containsExactly("digest(11)", "failed:later");
    }

    @Test
    void tenAlertsOfABatchGoOneByOneInOrder() {
        ChannelOutbox outbox = new ChannelOutbox(1, true);
        for (int i = 0; i < 10; i++) {
            outbox.alert(0, i, timeout("run-" + i, "sweep-1"));
        }
        outbox.batchEnd(0, 10, "sweep-1", T);
        assertThat(drain(outbox, T)).containsExactly("timeout:run-0", "timeout:run-1", "timeout:run-2", "timeout:run-3",
                "timeout:run-4", "timeout:run-5", "timeout:run-6", "timeout:run-7", "timeout:run-8", "timeout:run-9");
    }

    @Test
    void aChannelWithoutDigestsGetsEveryAlertAtOnce() {
        ChannelOutbox outbox = new ChannelOutbox(3, false);
        for (int i = 0; i < 12; i++) {
            outbox.alert(0, i, timeout("run-" + i, "sweep-1"));
        }
        assertThat(drain(outbox, T)).hasSize(12).allMatch(id -> id.startsWith("timeout:"));
    }

    @Test
    void aBatchWhoseEndNeverComesIsSentAsItIsAfterTheWait() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        for (int i = 0; i < 12; i++) {
            outbox.alert(0, i, timeout("run-" + i, "sweep-1"));
        }
        outbox.batchEnd(0, 20, "sweep-1", T);
        assertThat(drain(outbox, T)).isEmpty();
        assertThat(drain(outbox, T.plus(ChannelOutbox.BATCH_WAIT).minusSeconds(1))).isEmpty();
        assertThat(drain(outbox, T.plus(ChannelOutbox.BATCH_WAIT))).containsExactly("digest(12)");
    }

    /**
     * A batch whose end on one partition comes only after the wait goes in two parts: each must have an id of its own,
     * or a receiver that drops an id it has seen drops the second; a whole batch keeps {@code digest:{batchId}}.
     */
    @Test
    void aBatchSentBeforeItsEndsCameGoesInPartsWithIdsOfTheirOwn() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        for (int i = 0; i < 12; i++) {
            outbox.alert(0, i, timeout("run-" + i, "sweep-1"));
        }
        outbox.batchEnd(0, 20, "sweep-1", T);
        assertThat(outbox.next(T)).isEmpty();
        Instant waited = T.plus(ChannelOutbox.BATCH_WAIT);
        ChannelOutbox.Ready first = outbox.next(waited).orElseThrow();
        assertThat(outbox.next(waited)).as("asked again before it is sent, as a worker out of time does").contains(first);
        String firstId = Digest.of(first.alerts(), first.part()).id();
        assertThat(first.fed()).hasSize(12);
        // the same alerts read again after a restart, in another order, are the same part
        List<ChannelOutbox.Fed> reread = new ArrayList<>(first.fed());
        Collections.reverse(reread);
        assertThat(new ChannelOutbox.Ready(reread, true, false).part()).isEqualTo(first.part());
        outbox.settled(first);
        for (int i = 12; i < 24; i++) {
            outbox.alert(1, i, timeout("run-" + i, "sweep-1")); // partition 1, far behind
        }
        outbox.batchEnd(1, 30, "sweep-1", waited);
        assertThat(outbox.next(waited)).as("partition 0's end went with the first part").isEmpty();
        assertThat(outbox.next(waited.plus(ChannelOutbox.BATCH_WAIT).minusSeconds(1))).isEmpty();
        ChannelOutbox.Ready second = outbox.next(waited.plus(ChannelOutbox.BATCH_WAIT)).orElseThrow();

        String secondId = Digest.of(second.alerts(), second.part()).id();
        assertThat(second.fed()).hasSize(12);
        assertThat(firstId).startsWith("digest:sweep-1:").isNotEqualTo(secondId);
        assertThat(secondId).startsWith("digest:sweep-1:");

        ChannelOutbox whole = new ChannelOutbox(1, true);
        for (int i = 0; i < 12; i++) {
            whole.alert(0, i, timeout("run-" + i, "sweep-1"));
        }
        whole.batchEnd(0, 20, "sweep-1", T);
        ChannelOutbox.Ready ended = whole.next(T).orElseThrow();
        assertThat(Digest.of(ended.alerts(), ended.part()).id()).isEqualTo("digest:sweep-1");
    }

    /**
     * A batch held behind an alert retried for longer than the wait: its wait counts from when it reached the head, so
     * the end that comes meanwhile makes it one digest, not half a digest now and the other half, same id, later.
     */
    @Test
    void aBatchHeldBehindALongRetryStillWaitsForItsEndsAndGoesAsOneDigest() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        outbox.alert(0, 1, failed("retried"));
        for (int i = 0; i < 12; i++) {
            outbox.alert(i % 2, 10 + i, timeout("run-" + i, "sweep-1"));
        }
        outbox.batchEnd(0, 30, "sweep-1", T);
        ChannelOutbox.Ready head = outbox.next(T).orElseThrow(); // retried by the worker, which asks nothing more
        Instant retried = T.plus(ChannelOutbox.BATCH_WAIT).plusSeconds(300);
        outbox.settled(head);

        assertThat(drain(outbox, retried)).as("partition 1's end is still to come").isEmpty();
        outbox.batchEnd(1, 31, "sweep-1", retried.plusSeconds(1));
        assertThat(drain(outbox, retried.plusSeconds(1))).containsExactly("digest(12)");
    }

    @Test
    void commitsStopAtTheFirstUnsettledAlertAndAtEndsOfBatchesNotEndedEverywhere() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        outbox.alert(0, 5, failed("a"));
        outbox.batchEnd(1, 7, "sweep-2", T); // sweep-2's end from partition 1 only, no alert of it here yet
        Map<Integer, Long> positions = Map.of(0, 9L, 1, 9L);

        assertThat(outbox.committable(positions)).isEqualTo(Map.of(0, 5L, 1, 7L));
        drain(outbox, T);
        assertThat(outbox.committable(positions)).as("a is settled; sweep-2's end must be read again after a restart")
                .isEqualTo(Map.of(0, 9L, 1, 7L));
        outbox.batchEnd(0, 8, "sweep-2", T);
        assertThat(outbox.committable(positions)).isEqualTo(positions);
    }

    /**
     * A batch ended everywhere but not yet sent (behind a retried alert): its end on a partition that holds none of its
     * alerts here is not committed past, or the batch read again after a restart would wait ten minutes for it.
     */
    @Test
    void theEndsOfABatchNotYetSentAreNotCommittedPast() {
        ChannelOutbox outbox = new ChannelOutbox(3, true);
        Map<Integer, Long> positions = Map.of(0, 40L, 1, 40L, 2, 40L);
        outbox.alert(0, 10, failed("retried"));
        for (int i = 0; i < 12; i++) {
            outbox.alert(i % 2, 11 + i, timeout("run-" + i, "sweep-1")); // partitions 0 and 1 only
        }
        outbox.batchEnd(0, 30, "sweep-1", T);
        outbox.batchEnd(1, 31, "sweep-1", T);
        outbox.batchEnd(2, 32, "sweep-1", T);

        assertThat(outbox.committable(positions)).as("the retried alert and the batch unsent").isEqualTo(Map.of(0, 10L, 1, 12L, 2, 32L));
        assertThat(drain(outbox, T)).containsExactly("failed:retried", "digest(12)");
        assertThat(outbox.committable(positions)).isEqualTo(positions);
    }

    @Test
    void aRetriedHeadKeepsItsPlaceAndNothingBehindItOvertakes() {
        ChannelOutbox outbox = new ChannelOutbox(1, true);
        outbox.alert(0, 1, failed("first"));
        outbox.alert(0, 2, failed("second"));
        ChannelOutbox.Ready head = outbox.next(T).orElseThrow();
        assertThat(head.alerts().get(0).alertId()).isEqualTo("failed:first");
        assertThat(outbox.next(T).orElseThrow().alerts().get(0).alertId()).as("not settled: still the head").isEqualTo("failed:first");
        outbox.settled(head);
        assertThat(drain(outbox, T)).containsExactly("failed:second");
    }

    /**
     * A batch's entry stands where its first alert came. A script's alert of the batch read later, from a partition
     * that lagged, would overtake the script's earlier alert that came meanwhile and waits behind the batch: that one
     * moves ahead of the batch instead, which stays one digest.
     */
    @Test
    void aScriptsEarlierAlertWaitingBehindTheBatchMovesAheadOfItAndTheDigestStaysWhole() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        outbox.alert(1, 0, Alert.of(AlertKind.TIMEOUT, "other", "first", T, "late", "sweep-1", null));
        outbox.batchEnd(1, 1, "sweep-1", T);
        for (int i = 0; i < 20; i++) {
            outbox.alert(0, i, Alert.of(AlertKind.FAILED, "s" + i, "failed-" + i, T, "boom", null, null));
        }
        outbox.alert(0, 20, Alert.of(AlertKind.RECOVERED, "s0", "ok", T, "ok", null, null));
        for (int i = 0; i < 20; i++) {
            outbox.alert(0, 21 + i, Alert.of(AlertKind.TIMEOUT, "s" + i, "hung-" + i, T, "late", "sweep-1", null));
        }
        outbox.batchEnd(0, 41, "sweep-1", T);

        List<String> sent = drain(outbox, T);
        assertThat(sent).as("20 failures and s0's recovery, then one digest: each script's last word is its timeout")
                .hasSize(22).endsWith("digest(21)");
        assertThat(sent.subList(0, 21)).allMatch(id -> id.startsWith("failed:") || id.equals("recovered:ok"));
        assertThat(sent.indexOf("failed:failed-0")).isLessThan(sent.indexOf("recovered:ok"));
    }

    /** A script already in the batch with a later alert behind it: the batch cannot go both before and after that. */
    @Test
    void aScriptsAlertThatCannotJoinItsBatchInOrderGoesOnItsOwnAfter() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        for (int i = 0; i < 11; i++) {
            outbox.alert(1, i, Alert.of(AlertKind.TIMEOUT, "other-" + i, "run-" + i, T, "late", "sweep-1", null));
        }
        outbox.alert(0, 1, timeout("hung", "sweep-1"));
        outbox.alert(0, 2, Alert.of(AlertKind.RECOVERED, "nightly", "ok", T, "ok", null, null));
        outbox.alert(0, 3, timeout("hung-again", "sweep-1"));
        outbox.batchEnd(0, 4, "sweep-1", T);
        outbox.batchEnd(1, 20, "sweep-1", T);

        assertThat(drain(outbox, T)).containsExactly("digest(12)", "recovered:ok", "timeout:hung-again");
    }

    /** A batch that was the head waits again from when it is the head again, not from before alerts moved ahead of it. */
    @Test
    void aBatchAlertsMovedAheadOfStillWaitsItsFullTimeForItsEnds() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        for (int i = 0; i < 6; i++) {
            outbox.alert(1, i, Alert.of(AlertKind.TIMEOUT, "other-" + i, "run-" + i, T, "late", "sweep-1", null));
        }
        assertThat(outbox.next(T)).as("the batch is the head, waiting").isEmpty();
        outbox.alert(0, 0, failed("earlier"));
        outbox.alert(0, 1, Alert.of(AlertKind.TIMEOUT, "etl", "hung", T, "late", "sweep-1", null));
        ChannelOutbox.Ready retried = outbox.next(T).orElseThrow();
        assertThat(retried.alerts().get(0).alertId()).isEqualTo("failed:earlier");
        Instant sent = T.plus(ChannelOutbox.BATCH_WAIT).plusSeconds(60); // after retries of 11 minutes
        outbox.settled(retried);

        assertThat(drain(outbox, sent)).as("the batch's wait starts now").isEmpty();
        for (int i = 6; i < 12; i++) {
            outbox.alert(1, i, Alert.of(AlertKind.TIMEOUT, "other-" + i, "run-" + i, T, "late", "sweep-1", null));
        }
        outbox.batchEnd(0, 2, "sweep-1", sent);
        outbox.batchEnd(1, 12, "sweep-1", sent);
        assertThat(drain(outbox, sent)).containsExactly("digest(13)");
    }

    /** The case that moves most: an outage read unevenly, each of 10,000 scripts with a failure behind its timeout. */
    @Test
    void tenThousandScriptsEachWithAnAlertBehindTheirSweepsBatch() {
        ChannelOutbox outbox = new ChannelOutbox(2, true);
        int scripts = 10_000;
        outbox.alert(1, 0, Alert.of(AlertKind.TIMEOUT, "first", "run-first", T, "late", "sweep-1", null));
        for (int i = 0; i < scripts; i++) {
            outbox.alert(0, i, Alert.of(AlertKind.FAILED, "s" + i, "failed-" + i, T, "boom", null, null));
        }
        for (int i = 0; i < scripts; i++) {
            outbox.alert(0, scripts + i, Alert.of(AlertKind.TIMEOUT, "s" + i, "hung-" + i, T, "late", "sweep-1", null));
        }
        outbox.batchEnd(0, 2 * scripts, "sweep-1", T);
        outbox.batchEnd(1, 1, "sweep-1", T);

        List<String> sent = drain(outbox, T);
        assertThat(sent).hasSize(scripts + 1).endsWith("digest(" + (scripts + 1) + ")");
        assertThat(outbox.size()).isZero();
    }

    @Test
    void aScriptWithNothingWaitingBehindTheBatchJoinsIt() {
        ChannelOutbox outbox = new ChannelOutbox(1, true);
        outbox.alert(0, 1, failed("before"));
        for (int i = 0; i < 11; i++) {
            outbox.alert(0, 2 + i, timeout("run-" + i, "sweep-1"));
        }
        outbox.alert(0, 20, failed("after"));
        outbox.batchEnd(0, 21, "sweep-1", T);

        assertThat(drain(outbox, T)).containsExactly("failed:before", "digest(11)", "failed:after");
    }
}
