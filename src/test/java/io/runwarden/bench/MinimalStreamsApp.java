package io.runwarden.bench;

import io.runwarden.model.EventCodec;
import io.runwarden.model.EventType;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * B1's baseline: the least a Kafka Streams application can do per event under the same guarantees as runwarden
 * (exactly_once_v2, default commit interval, as many stream threads): put the record in RocksDB and forward it.
 * B1's floors, two variants of it: {@code json}, the least an application that keeps each run's state must add to that
 * (parse the event, read the run's JSON, write the changed run as JSON to the store and the output, with runwarden's
 * own codec); {@code sized}, no JSON work but records the size of a run's JSON in place of the event; anything
 * else (e.g. {@code minimal}), the baseline itself.
 * Args: bootstrap servers, application id, state dir, input topic, output topic, stream threads, and optionally the
 * variant.
 */
public final class MinimalStreamsApp {
    private MinimalStreamsApp() {
    }

    private static final Duration MAX_RUNTIME = Duration.ofDays(3);
    /** A finished run as {@code json} writes one. */
    private static final byte[] A_RUN = Json.bytes(RunRecord.builder("run-123456").scriptName("script-1234")
            .startTime(Instant.now()).lastHeartbeat(Instant.now()).deadline(Instant.now()).endTime(Instant.now())
            .status(RunStatus.SUCCESS).build());

    public static void main(String[] args) throws InterruptedException {
        String variant = args.length > 6 ? args[6] : "";
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
                this.store = context.getStateStore("state");
            }

            @Override
            public void process(Record<String, byte[]> record) {
                byte[] value = switch (variant) {
                    case "json" -> runAfter(record);
                    case "sized" -> A_RUN;
                    default -> record.value();
                };
                store.put(record.key(), value);
                context.forward(record.withValue(value));
            }

            private byte[] runAfter(Record<String, byte[]> record) {
                LifecycleEvent event = EventCodec.parse(record.key(), record.value(), record.timestamp());
                byte[] stored = store.get(record.key());
                RunRecord.Builder run = stored == null ? RunRecord.builder(event.runId())
                        : Json.read(stored, RunRecord.class).toBuilder();
                if (event.scriptName() != null) {
                    run.scriptName(event.scriptName());
                }
                switch (event.type()) {
                    case STARTED -> run.startTime(event.time()).deadline(event.time().plus(MAX_RUNTIME));
                    case HEARTBEAT -> run.lastHeartbeat(event.time()).deadline(event.time().plus(MAX_RUNTIME));
                    case SUCCEEDED, FAILED -> run.endTime(event.time()).message(event.message())
                            .status(event.type() == EventType.SUCCEEDED ? RunStatus.SUCCESS : RunStatus.FAILED);
                }
                return Json.bytes(run.build());
            }
        }, "in");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("state"),
                Serdes.String(), Serdes.ByteArray()), "put");
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
