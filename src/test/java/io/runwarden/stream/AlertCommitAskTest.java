package io.runwarden.stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.runwarden.alerts.ScriptHealth;
import io.runwarden.kafka.StoreNames;
import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alert tasks ask for a commit only for what someone waits for: an alert, not the health a success of a healthy
 * script moves. Their ask commits every task of their stream thread, so asking after every burst of successes made a
 * flood of events commit about twice as often as its interval.
 */
class AlertCommitAskTest {
    private final MockProcessorContext<String, Object> context = context();
    private final AlertProcessor processor = new AlertProcessor(1, 1);
    private long now = 1_000_000;

    @Test
    void successesOfAHealthyScriptAskForNoCommitAndAFailureDoes() {
        context.setCurrentSystemTimeMs(now);
        processor.init(context);

        processor.process(outcomes("""
                [{"runId":"r1","scriptName":"backup","time":"2026-11-28T10:00:00Z"},
                 {"runId":"r2","scriptName":"backup","time":"2026-11-28T10:01:00Z"}]"""));
        passWindow();
        assertThat(context.committed()).as("two successes: health moved, nothing raised").isFalse();

        processor.process(outcomes("""
                [{"runId":"r3","scriptName":"backup","reason":"error","time":"2026-11-28T10:02:00Z"}]"""));
        passWindow();
        assertThat(context.committed()).as("a failure's alert waits for the commit").isTrue();
    }

    private void passWindow() {
        now += CommitPace.WINDOW_MS + 1;
        context.setCurrentSystemTimeMs(now);
        context.scheduledPunctuators().stream()
                .filter(punctuator -> punctuator.getInterval().equals(CommitPace.TICK))
                .forEach(punctuator -> punctuator.getPunctuator().punctuate(now));
    }

    private Record<String, byte[]> outcomes(String json) {
        return new Record<>("backup", json.getBytes(StandardCharsets.UTF_8), now);
    }

    private static MockProcessorContext<String, Object> context() {
        Properties config = new Properties();
        config.put(RunwardenMeters.CONFIG, new RunwardenMeters(new SimpleMeterRegistry()));
        MockProcessorContext<String, Object> context = new MockProcessorContext<>(config);
        add(context, StoreNames.SCRIPT_HEALTH, Json.serde(ScriptHealth.class));
        add(context, StoreNames.ALERT_BATCHES, Json.serde(AlertProcessor.BatchProgress.class));
        add(context, StoreNames.POLICIES, Json.serde(ScriptPolicy.class));
        return context;
    }

    private static <V> void add(MockProcessorContext<String, Object> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }
}
