package io.runwarden.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

import java.util.function.LongSupplier;

/**
 * One instance's meters for {@code GET /metrics}: the JVM's from the start (a scrape during start-up already says
 * something), Kafka Streams' own and the runs in progress once the streams exist, and runwarden's counters.
 * Each service has its own registry, never Micrometer's global one, so that instances sharing a JVM stay apart.
 */
public final class ServiceMetrics implements AutoCloseable {
    public static final String RUNS_IN_PROGRESS = "runwarden.runs.in.progress";
    public static final String PARTITIONS_REBUILDING = "runwarden.partitions.rebuilding";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final RunwardenMeters meters = new RunwardenMeters(registry);
    private KafkaStreamsMetrics streamsMetrics;

    public ServiceMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public RunwardenMeters meters() {
        return meters;
    }

    /**
     * Adds the meters that need the streams.
     * @param runsInProgress       counts the runs in progress on local partitions
     * @param partitionsRebuilding counts the local partitions whose indexes are being rebuilt
     */
    public void watch(KafkaStreams streams, LongSupplier runsInProgress, LongSupplier partitionsRebuilding) {
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        // strong: the registry alone holds the supplier, and a weakly held gauge would turn NaN after a GC
        Gauge.builder(RUNS_IN_PROGRESS, runsInProgress, LongSupplier::getAsLong).strongReference(true)
                .description("runs in progress on the partitions this instance owns").register(registry);
        Gauge.builder(PARTITIONS_REBUILDING, partitionsRebuilding, LongSupplier::getAsLong).strongReference(true)
                .description("partitions of this instance whose indexes are being rebuilt: their reads pass over the runs meanwhile")
                .register(registry);
    }

    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        gc.close();
        registry.close();
    }
}
