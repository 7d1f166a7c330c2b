package io.runwarden.kafka;

import io.runwarden.metrics.RunwardenMeters;

import io.runwarden.config.Settings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Map;
import java.util.Properties;

/** The Kafka Streams configuration of the service. */
public final class StreamsProperties {
    static final int MAX_DEFAULT_THREADS = 4;
    /** How long a flood of events goes between commits (a light load is committed every 100 ms as it asks). */
    static final int COMMIT_INTERVAL_MS = 1_000;
    /** The transaction timeout Kafka Streams gives its producers under exactly-once unless told otherwise. */
    private static final int STREAMS_TRANSACTION_TIMEOUT_MS = 10_000;
    /**
     * How long a restore consumer's empty fetch waits at the broker. It fetches while a store is restored, and all the
     * time for standby replicas (num.standby.replicas): then twenty empty fetches a second when idle.
     */
    static final int RESTORE_FETCH_WAIT_MS = 50;
    /** The same for the global tables' consumer, which fetches all the time: ten empty fetches a second when idle. */
    static final int GLOBAL_FETCH_WAIT_MS = 100;
    /**
     * How long an idle stream thread waits for records before it runs its tasks' punctuators again, instead of 100 ms:
     * a sweep's runs, written behind its answer a step at a time, and the commit a light load asks for go on at this
     * pace while nothing else comes.
     */
    static final int POLL_MS = 10;
    /** How often a stream thread's consumer asks for the sources' metadata, instead of every 5 minutes. */
    static final int SOURCE_METADATA_MAX_AGE_MS = 10_000;
    /**
     * How long a stream thread's producer waits before it asks again, instead of 100 ms. A transaction begun while
     * the thread's last one is still being completed (its markers written) has its offsets refused with
     * CONCURRENT_TRANSACTIONS, and the commit blocks the thread until the retry: a sweep's or a check's hops follow
     * one another within milliseconds, so each such commit held the thread about 100 ms (issue 15, B6). Every
     * transactional request is asked again after this fixed time (finding a coordinator that moves too: about a
     * hundred requests a second a thread meanwhile); sends back off exponentially from it, up to
     * {@code retry.backoff.max.ms} (1 s).
     */
    static final int PRODUCER_RETRY_BACKOFF_MS = 10;

    private StreamsProperties() {
    }

    /**
     * @param httpPort the port the HTTP API really listens on, published for queries across instances
     * @param meters   where the processor and the dead-letter handler count
     */
    public static Properties of(Settings settings, int httpPort, RunwardenMeters meters) {
        return of(settings, httpPort, meters, Integer.parseInt(TopicSpec.named(Topics.SCRIPT_EVENTS_DLQ).config()
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG)), TopicSpec.named(Topics.SCRIPT_EVENTS).partitions());
    }

    /**
     * A thread per core, as an index rebuild, a sweep and a missed-start check go task after task on a thread; no
     * more than the partitions of {@code script-events}, as a thread more would have no run to apply; and no more
     * than {@link #MAX_DEFAULT_THREADS}, as each thread holds a producer's buffer (up to 32 MB) in the heap the README
     * gives the service.
     */
    public static int streamThreads(int eventPartitions) {
        int threads = Math.min(Runtime.getRuntime().availableProcessors(), Math.min(eventPartitions, MAX_DEFAULT_THREADS));
        return Math.max(1, threads);
    }

    /**
     * @param dlqMaxRecordBytes the largest record {@code script-events-dlq} accepts, as the cluster says
     * @param eventPartitions   the partitions of {@code script-events}: more stream threads would have no run to apply
     */
    public static Properties of(Settings settings, int httpPort, RunwardenMeters meters, int dlqMaxRecordBytes,
                                int eventPartitions) {
        Properties props = new Properties();
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads(eventPartitions));
        // defaults a RUNWARDEN_KAFKA_* setting may override. Each run change goes to its changelog and to
        // script-runs: with the default 16 KB batches the broker spent six times the minimal app's CPU per event
        // on produce requests (B1, docs/benchmarks.md); a commit sends what a batch holds anyway
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // no task reads two partitions, so nothing waits for another partition's data: idle tasks answer at once
        // instead of formatting a trace message for each empty partition on every pass of the thread
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // /metrics reads the clients' metrics from Kafka Streams itself: registering each of them as a JMX bean too
        // (Kafka's default reporter) took a twentieth of the stream threads while B1's tasks started
        props.put(StreamsConfig.METRIC_REPORTER_CLASSES_CONFIG, "");
        props.put(StreamsConfig.POLL_MS_CONFIG, POLL_MS);
        Map<String, Object> user = settings.kafkaClientConfig();
        // an empty fetch waits at the broker for data up to fetch.max.wait.ms (500 ms), and the broker answers a
        // connection's requests in order: a restore or global consumer's next question (the end of a changelog just
        // assigned, the start of the next global table) waited behind it, half a second at a time, four times a start
        consumerDefault(props, user, StreamsConfig.RESTORE_CONSUMER_PREFIX, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                RESTORE_FETCH_WAIT_MS);
        consumerDefault(props, user, StreamsConfig.GLOBAL_CONSUMER_PREFIX, ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
                GLOBAL_FETCH_WAIT_MS);
        // an assignment made before the group's leader saw every partition of a source (a broker just started) leaves
        // them to nobody until the leader's metadata of the sources changes, which it learns at its next refresh
        consumerDefault(props, user, StreamsConfig.MAIN_CONSUMER_PREFIX, ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                SOURCE_METADATA_MAX_AGE_MS);
        clientDefault(props, user, StreamsConfig.PRODUCER_PREFIX, ProducerConfig.RETRY_BACKOFF_MS_CONFIG,
                PRODUCER_RETRY_BACKOFF_MS);
        props.putAll(user);
        // exactly-once commits every 100 ms by default; runwarden's tasks ask for that pace themselves while their load
        // is light, and leave floods to this longer interval (stream/CommitPace)
        props.putIfAbsent(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval(props));
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

    /**
     * runwarden's value of {@code key} for one kind of Streams consumer, unless the user set {@code key} for it, for every
     * consumer or for every client: Streams would otherwise let the prefixed default win over the user's setting.
     */
    private static void consumerDefault(Properties props, Map<String, Object> user, String prefix, String key, int value) {
        if (!user.containsKey(StreamsConfig.CONSUMER_PREFIX + key)) {
            clientDefault(props, user, prefix, key, value);
        }
    }

    /** runwarden's value of {@code key} for the clients {@code prefix} names, unless the user set it for them or for every client. */
    private static void clientDefault(Properties props, Map<String, Object> user, String prefix, String key, int value) {
        if (!user.containsKey(key) && !user.containsKey(prefix + key)) {
            props.put(prefix + key, value);
        }
    }

    /**
     * {@link #COMMIT_INTERVAL_MS}, or half the producers' transaction timeout if that is shorter: a transaction stays
     * open for a commit interval and the work of one pass, and one open past the timeout is aborted and its producer
     * fenced. Either form of the timeout counts (Streams checks only the {@code producer.} one against the interval).
     */
    private static int commitInterval(Properties props) {
        Object timeout = props.getOrDefault(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                props.get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG));
        int timeoutMs = STREAMS_TRANSACTION_TIMEOUT_MS;
        try {
            timeoutMs = timeout == null ? timeoutMs : Integer.parseInt(timeout.toString().trim());
        } catch (NumberFormatException e) {
            // not a number: the producer refuses it, with its own message
        }
        return Math.max(1, Math.min(COMMIT_INTERVAL_MS, timeoutMs / 2));
    }
}
