package io.runwarden.bench;

import io.runwarden.model.EventCodec;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.stream.RunTransitions;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * B1's baseline: the least a Kafka Streams application can do per event under the same guarantees as runwarden
 * (exactly_once_v2, default commit interval, as many stream threads): put the record in RocksDB and forward it.
 * Two variants weigh what B1's target leaves ({@link Variant}). Args: bootstrap servers, application id, state dir,
 * input topic, output topic, stream threads, and optionally the variant's name (lower case).
 */
public final class MinimalStreamsApp {
    private static final String STORE = "state";

    /** What the app does with each record before it puts it in its store and forwards it. */
    enum Variant {
        /** Nothing: the baseline. */
        MINIMAL(true) {
            @Override
            byte[] value(Record<String, byte[]> record, KeyValueStore<String, byte[]> store) {
                return record.value();
            }
        },
        /**
         * B1's floor, the least any implementation of the contract does per event: parse the event, read the run's
         * JSON, apply the event as runwarden does ({@link RunTransitions}), write the changed run's JSON once (to
         * the output; the store is not changelogged, as a store restored from {@code script-runs} would not be), with
         * runwarden's own codec.
         */
        JSON(false) {
            @Override
            byte[] value(Record<String, byte[]> record, KeyValueStore<String, byte[]> store) {
                LifecycleEvent event = EventCodec.parse(record.key(), record.value(), record.timestamp());
                byte[] stored = store.get(record.key());
                RunRecord run = TRANSITIONS.apply(stored == null ? null : Json.read(stored, RunRecord.class), event);
                return Json.bytes(run);
            }
        },
        /** A control: no JSON work, but in place of each event a record the size of a finished run's JSON. */
        SIZED(true) {
            @Override
            byte[] value(Record<String, byte[]> record, KeyValueStore<String, byte[]> store) {
                return A_RUN;
            }
        };

        /** runwarden's own, every script with the default maximum runtime. */
        private static final RunTransitions TRANSITIONS = new RunTransitions(Benchmarks.STALE_AFTER, script -> null);
        private static final Instant AN_INSTANT = Instant.parse("2026-12-01T02:00:00.123Z");
        private static final byte[] A_RUN = Json.bytes(RunRecord.builder("run-123456").scriptName("script-1234")
                .startTime(AN_INSTANT).deadline(AN_INSTANT).endTime(AN_INSTANT).message("42 rows")
                .status(RunStatus.SUCCESS).build());

        private final boolean logged;

        Variant(boolean logged) {
            this.logged = logged;
        }

        abstract byte[] value(Record<String, byte[]> record, KeyValueStore<String, byte[]> store);
    }

    private MinimalStreamsApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        Variant variant = Variant.valueOf((args.length > 6 ? args[6] : "minimal").toUpperCase(Locale.ROOT));
        String input = args[3];
        String output = args[4];
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), input);
        topology.addProcessor("put", () -> new Processor<String, byte[], String, byte[]>() {
            private ProcessorContext<String, byte[]> context;
            private KeyValueStore<String, byte[]> store;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
                this.store = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<String, byte[]> record) {
                byte[] value = variant.value(record, store);
                store.put(record.key(), value);
                context.forward(record.withValue(value));
            }
        }, "in");
        StoreBuilder<KeyValueStore<String, byte[]>> store = Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray());
        topology.addStateStore(variant.logged ? store : store.withLoggingDisabled(), "put");
        topology.addSink("out", output, Serdes.String().serializer(), Serdes.ByteArray().serializer(), "put");
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, args[1]);
        props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(args[2]).toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.parseInt(args[5]));
        KafkaStreams streams = new KafkaStreams(topology, props);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            stopped.countDown();
        }));
        streams.start();
        System.out.println("MINIMAL APP STARTED");
        stopped.await();
    }
}
