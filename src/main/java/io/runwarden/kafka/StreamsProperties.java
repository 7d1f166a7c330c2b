package io.runwarden.kafka;

import io.runwarden.metrics.RunwardenMeters;

import io.runwarden.config.Settings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/** The Kafka Streams configuration of the service. */
public final class StreamsProperties {
    private StreamsProperties() {
    }

    /**
     * @param httpPort the port the HTTP API really listens on, published for queries across instances
     * @param meters   where the processor and the dead-letter handler count
     */
    public static Properties of(Settings settings, int httpPort, RunwardenMeters meters) {
        return of(settings, httpPort, meters, Integer.parseInt(TopicSpec.named(Topics.SCRIPT_EVENTS_DLQ).config()
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)));
    }

    /** @param dlqMaxRecordBytes the largest record {@code script-events-dlq} accepts, as the cluster says */
    public static Properties of(Settings settings, int httpPort, RunwardenMeters meters, int dlqMaxRecordBytes) {
        Properties props = new Properties();
        props.putAll(settings.kafkaClientConfig());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.advertised() + ":" + httpPort);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, settings.applicationId());
        props.put(StreamsConfig.STATE_DIR_CONFIG, settings.dataDir().resolve("streams").toAbsolutePath().toString());
        // a run's state, its failure event and the sweep's bookkeeping commit together or not at all
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDb.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.SCRIPT_EVENTS_DLQ);
        props.put(RunwardenMeters.CONFIG, meters);
        props.put(DeadLetterHandler.MAX_RECORD_BYTES, dlqMaxRecordBytes);
        // a dead letter is its original record plus headers: the producer must take what the topic takes
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
                Math.max(1_048_576, dlqMaxRecordBytes + 65_536));
        return props;
    }
}
