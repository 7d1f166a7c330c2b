package io.runwarden.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.runwarden.model.AlertKind;
import io.runwarden.model.EventType;
import io.runwarden.model.Trigger;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * runwarden's own meters, counted by the stream code. They travel in the Streams configuration under
 * {@link #CONFIG}, the one way into the dead-letter handler, which Streams builds by class name: each KafkaStreams
 * instance then counts into its own registry, even when several share a JVM.
 * <p>
 * Metrics are at-least-once: when Streams retries a transaction after a crash or a fenced producer, the records it
 * processes again are counted again, while the runs and topics themselves stay exactly-once.
 */
public final class RunwardenMeters {
    public static final String CONFIG = "runwarden.meters";
    public static final String EVENTS_APPLIED = "runwarden.events.applied";
    public static final String DEAD_LETTERS = "runwarden.dead.letters";
    public static final String SWEEP_RUNS_FAILED = "runwarden.sweep.runs.failed";
    public static final String SWEEP_DURATION = "runwarden.sweep.duration";
    public static final String MISSED_SLOTS = "runwarden.missed.slots";
    public static final String START_CHECK_DURATION = "runwarden.start.check.duration";
    public static final String ALERTS = "runwarden.alerts";

    private final MeterRegistry registry;
    private final Map<EventType, Counter> applied = new EnumMap<>(EventType.class);
    private final Map<AlertKind, Counter> alerts = new EnumMap<>(AlertKind.class);
    private final Counter missedSlots;
    private final Timer startCheckDuration;

    public RunwardenMeters(MeterRegistry registry) {
        this.registry = registry;
        // every series exists from the start, so that a rate over the first event is not lost
        for (EventType type : EventType.values()) {
            applied.put(type, Counter.builder(EVENTS_APPLIED).tag("type", type.wireName())
                    .description("lifecycle events applied to runs, duplicates included").register(registry));
        }
        for (AlertKind kind : AlertKind.values()) {
            alerts.put(kind, Counter.builder(ALERTS).tag("kind", kind.wireName())
                    .description("alerts raised on script-alerts").register(registry));
        }
        missedSlots = Counter.builder(MISSED_SLOTS).description("slots of expected schedules that no run kept")
                .register(registry);
        startCheckDuration = Timer.builder(START_CHECK_DURATION)
                .description("from a missed-start check's tick to every partition's answer on its home partition")
                .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(1),
                        Duration.ofSeconds(5), Duration.ofSeconds(30))
                .register(registry);
        for (Trigger trigger : Trigger.values()) {
            runsFailed(trigger);
            sweepDuration(trigger);
        }
    }

    /** The meters the service put into the Streams configuration. */
    public static RunwardenMeters from(Map<String, ?> configs) {
        if (configs.get(CONFIG) instanceof RunwardenMeters meters) {
            return meters;
        }
        throw new IllegalStateException(CONFIG + " is missing from the Streams configuration (see io.runwarden.kafka.StreamsProperties)");
    }

    public void applied(EventType type) {
        applied.get(type).increment();
    }

    /**
     * @param reason one of the few fixed codes of {@link io.runwarden.model.InvalidEventException} or {@code invalid-<store>} for a skipped
     *               global-store record, so the label stays small
     */
    public void deadLettered(String reason) {
        Counter.builder(DEAD_LETTERS).tag("reason", reason)
                .description("records refused: events sent to script-events-dlq, global-store records skipped")
                .register(registry).increment();
    }

    public void alerted(AlertKind kind) {
        alerts.get(kind).increment();
    }

    public void missedSlot() {
        missedSlots.increment();
    }

    public void startCheckCompleted(Duration took) {
        startCheckDuration.record(took);
    }

    public void sweepCompleted(Trigger trigger, int runsFailed, Duration took) {
        runsFailed(trigger).increment(runsFailed);
        sweepDuration(trigger).record(took);
    }

    private Counter runsFailed(Trigger trigger) {
        return Counter.builder(SWEEP_RUNS_FAILED).tag("trigger", trigger.wireName())
                .description("runs that sweeps marked failed").register(registry);
    }

    private Timer sweepDuration(Trigger trigger) {
        return Timer.builder(SWEEP_DURATION).tag("trigger", trigger.wireName())
                .description("from a sweep's request to its completion on every partition")
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Duration.ofMinutes(2), Duration.ofMinutes(10))
                .register(registry);
    }
}
