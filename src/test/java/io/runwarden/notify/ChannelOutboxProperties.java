package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * However the feed's partitions interleave as a channel reads them, it gets every alert once, each script's in the
 * order they were written, and a batch no script's order forced apart as one digest; with two batches at once too.
 */
class ChannelOutboxProperties {
    private static final Instant T = Instant.parse("2026-11-28T02:00:00Z");
    private static final int PARTITIONS = 3;

    /**
     * @param alerts  each alert's script (a script's alerts are on one feed partition, as the feed is keyed)
     * @param batches each alert's batch: none (0), sweep-1 or sweep-2
     */
    @Property(tries = 500)
    void everyAlertOnceInOrderPerScriptWhateverTheInterleaving(
            @ForAll @Size(min = 1, max = 40) List<@IntRange(min = 0, max = 5) Integer> alerts,
            @ForAll List<@IntRange(min = 0, max = 2) Integer> batches, @ForAll long seed) {
        List<List<Alert>> feed = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            feed.add(new ArrayList<>());
        }
        for (int i = 0; i < alerts.size(); i++) {
            String script = "s" + alerts.get(i);
            int batch = i < batches.size() ? batches.get(i) : 0;
            feed.get(alerts.get(i) % PARTITIONS).add(Alert.of(batch > 0 ? AlertKind.TIMEOUT : AlertKind.FAILED, script,
                    "run-" + i, T, "m", batch > 0 ? "sweep-" + batch : null, null));
        }
        ChannelOutbox outbox = new ChannelOutbox(PARTITIONS, true);
        Random random = new Random(seed);
        int[] read = new int[PARTITIONS];
        List<List<Alert>> sent = new ArrayList<>();
        while (true) {
            List<Integer> left = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                if (read[p] <= feed.get(p).size()) {
                    left.add(p);
                }
            }
            if (left.isEmpty()) {
                break;
            }
            int p = left.get(random.nextInt(left.size()));
            if (read[p] < feed.get(p).size()) {
                outbox.alert(p, read[p], feed.get(p).get(read[p]));
            } else {
                outbox.batchEnd(p, read[p], "sweep-1", T); // each partition's ends follow its alerts
                outbox.batchEnd(p, read[p], "sweep-2", T);
            }
            read[p]++;
            if (random.nextInt(4) == 0) {
                send(outbox, sent); // the worker sends as things come
            }
        }
        send(outbox, sent);

        assertThat(sent.stream().mapToInt(List::size).sum()).as("every alert once").isEqualTo(alerts.size());
        Map<String, Integer> latestSent = new HashMap<>(); // by the earlier messages: the last written of each script
        for (List<Alert> message : sent) {
            for (Alert alert : message) {
                assertThat(written(alert)).as("%s's alerts in order in %s", alert.scriptName(), sent)
                        .isGreaterThan(latestSent.getOrDefault(alert.scriptName(), -1));
            }
            message.forEach(alert -> latestSent.merge(alert.scriptName(), written(alert), Math::max));
        }
        long batchAlerts = feed.stream().flatMap(List::stream).filter(alert -> alert.batchId() != null).count();
        boolean oneBatch = feed.stream().flatMap(List::stream).noneMatch(alert -> "sweep-2".equals(alert.batchId()));
        assertThat(sent).allSatisfy(message -> assertThat(message.stream().map(Alert::batchId).distinct()).hasSize(1));
        if (oneBatch && batchAlerts > ChannelOutbox.DIGEST_ABOVE && noScriptSplitsTheBatch(feed)) {
            assertThat(sent).as("a batch of %d alerts as one digest", batchAlerts).anyMatch(m -> m.size() == batchAlerts);
        }
    }

    private static int written(Alert alert) {
        return Integer.parseInt(alert.runId().substring("run-".length()));
    }

    /** Whether no script has a single alert between two of its batch alerts, the one order a digest cannot keep. */
    private static boolean noScriptSplitsTheBatch(List<List<Alert>> feed) {
        Map<String, Integer> state = new HashMap<>(); // 1: in the batch, 2: a single after that
        for (List<Alert> partition : feed) {
            for (Alert alert : partition) {
                int now = state.getOrDefault(alert.scriptName(), 0);
                if (alert.batchId() != null) {
                    if (now == 2) {
                        return false;
                    }
                    state.put(alert.scriptName(), 1);
                } else if (now == 1) {
                    state.put(alert.scriptName(), 2);
                }
            }
        }
        return true;
    }

    private static void send(ChannelOutbox outbox, List<List<Alert>> sent) {
        for (Optional<ChannelOutbox.Ready> next = outbox.next(T); next.isPresent(); next = outbox.next(T)) {
            sent.add(next.get().alerts());
            outbox.settled(next.get());
        }
    }
}
