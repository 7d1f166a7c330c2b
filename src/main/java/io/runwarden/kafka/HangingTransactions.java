package io.runwarden.kafka;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Aborts transactions left open on a partition that no coordinator will ever close. Such a transaction holds the
 * partition's last stable offset back for good, so every reader under exactly-once (the streams, the notifier, a
 * consumer of {@code script-alerts}) waits on it: the watchdog falls silent while it looks up. A broker race left one
 * on {@code __consumer_offsets} after a long stall; a broker older than 3.6, without transaction verification, can
 * leave one on any partition. This does what {@code kafka-transactions.sh find-hanging} and {@code abort} do, on
 * runwarden's own topics and the offsets topic only: a transaction counts as hanging once this process has seen it
 * open at the same offset for longer than the broker lets any transaction live, and its coordinator does not list
 * the partition as one it will still close.
 */
public final class HangingTransactions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HangingTransactions.class);
    private static final String OFFSETS_TOPIC = "__consumer_offsets";
    /** Kafka's default {@code transaction.max.timeout.ms}, for a broker that does not say its own. */
    private static final Duration DEFAULT_MAX_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration MAX_PERIOD = Duration.ofMinutes(1);
    private static final Duration MIN_PERIOD = Duration.ofSeconds(1);
    /** The first look waits for the start to be over: it would only compete with it, for a verdict a minute away. */
    private static final Duration FIRST_LOOK = Duration.ofSeconds(10);
    private static final String TRANSACTION_STATE_TOPIC = "__transaction_state";
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    /** A transaction open on a partition: its producer and the offset it began at. */
    private record OpenTransaction(TopicPartition partition, long producerId, long startOffset) {
    }

    private final Admin admin;
    private final Predicate<String> searched;
    private final BooleanSupplier inCharge;
    private final Clock clock;
    private final Counter aborted;
    /** When this process first saw each transaction that is still open: its own clock, not the producer's. */
    private final Map<OpenTransaction, Instant> firstSeen = new HashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "runwarden-hanging-transactions");
        thread.setDaemon(true);
        return thread;
    });
    private Duration maxTimeout;

    /**
     * @param applicationId the streams' application id, whose internal topics are searched with the contract's
     * @param inCharge      whether this instance is the one that looks: one at a time, so that no transaction is aborted
     *                      twice (a second marker of the same producer epoch could abort its next transaction)
     */
    public HangingTransactions(Map<String, Object> clientConfig, String applicationId, BooleanSupplier inCharge,
                               MeterRegistry registry, Clock clock) {
        this.admin = Admin.create(clientConfig);
        this.searched = ours(applicationId);
        this.inCharge = inCharge;
        this.clock = clock;
        this.aborted = Counter.builder("runwarden_hanging_transactions_aborted")
                .description("transactions left open on a partition with no coordinator to close them, aborted")
                .register(registry);
    }

    /** The contract's topics, the application's internal ones and the offsets topic. */
    private static Predicate<String> ours(String applicationId) {
        Set<String> named = new HashSet<>();
        TopicSpec.all(applicationId).forEach(spec -> named.add(spec.name()));
        return topic -> named.contains(topic) || topic.startsWith(applicationId + "-") || topic.equals(OFFSETS_TOPIC);
    }

    /** Checks now and then, as often as a transaction could become hanging: the broker's longest timeout, at most a minute. */
    public HangingTransactions start() {
        timer.schedule(this::checkQuietly, FIRST_LOOK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // the cluster unreachable or refusing (no right to describe or abort): try again at the next check
            LOG.debug("could not look for hanging transactions: {}", String.valueOf(e.getMessage()));
        }
        if (!timer.isShutdown()) {
            long period = Math.min(MAX_PERIOD.toMillis(), Math.max(MIN_PERIOD.toMillis(), limit().toMillis() / 2));
            timer.schedule(this::checkQuietly, period, TimeUnit.MILLISECONDS);
        }
    }

    /** One look, aborting what has hung for long enough. */
    private void check() throws InterruptedException, ExecutionException, TimeoutException {
        if (!inCharge.getAsBoolean()) {
            firstSeen.clear(); // another instance looks; should this one take over, it sees each one open anew
            return;
        }
        if (maxTimeout == null) {
            maxTimeout = brokerMaxTimeout();
        }
        Duration limit = limit();
        Map<OpenTransaction, ProducerState> open = openTransactions();
        Instant now = clock.instant();
        firstSeen.keySet().retainAll(open.keySet());
        open.keySet().forEach(transaction -> firstSeen.putIfAbsent(transaction, now));
        List<OpenTransaction> overdue = open.keySet().stream()
                .filter(transaction -> firstSeen.get(transaction).plus(limit).isBefore(now)).toList();
        if (overdue.isEmpty() || !everyCoordinatorUp()) {
            return;
        }
        Map<Long, TransactionDescription> closing = coordinatorsView(overdue);
        for (OpenTransaction transaction : overdue) {
            TransactionDescription description = closing.get(transaction.producerId());
            if (description == null || !description.topicPartitions().contains(transaction.partition())) {
                abort(transaction, open.get(transaction), limit);
            }
        }
    }

    /** The longest a transaction may live: the broker's, once it said, else Kafka's default. */
    private Duration limit() {
        return maxTimeout != null ? maxTimeout : DEFAULT_MAX_TIMEOUT;
    }

    /**
     * The broker's {@code transaction.max.timeout.ms}; null while it will not say (no right to describe its
     * configuration), asked again at the next look: the coordinators' own view still keeps any transaction they will
     * close from being aborted.
     */
    private Duration brokerMaxTimeout() throws InterruptedException, ExecutionException, TimeoutException {
        String broker = admin.describeCluster().nodes().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .iterator().next().idString();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, broker);
        Config config;
        try {
            config = admin.describeConfigs(List.of(resource)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(resource);
        } catch (ExecutionException refused) {
            return null;
        }
        var entry = config == null ? null : config.get("transaction.max.timeout.ms");
        return entry == null || entry.value() == null ? null : Duration.ofMillis(Long.parseLong(entry.value()));
    }

    private Map<OpenTransaction, ProducerState> openTransactions()
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = new HashSet<>(admin.listTopics(new ListTopicsOptions().listInternal(true)).names()
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        topics.removeIf(searched.negate());
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(topics).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach(
                (topic, description) -> description.partitions().forEach(
                        partition -> partitions.add(new TopicPartition(topic, partition.partition()))));
        Map<OpenTransaction, ProducerState> open = new HashMap<>();
        var described = admin.describeProducers(partitions);
        for (TopicPartition partition : partitions) {
            try {
                described.partitionResult(partition).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).activeProducers()
                        .forEach(producer -> producer.currentTransactionStartOffset().ifPresent(start -> open.put(
                                new OpenTransaction(partition, producer.producerId(), start), producer)));
            } catch (ExecutionException refused) {
                // this partition alone (no right to read the offsets topic, say): the others are still looked at
                LOG.debug("cannot describe the producers of {}: {}", partition, String.valueOf(refused.getCause()));
            }
        }
        return open;
    }

    /**
     * Whether every partition of the coordinators' log has a leader: a coordinator that is down lists none of its
     * transactions, and one of them, even a commit under way, would look like no coordinator's.
     */
    private boolean everyCoordinatorUp() throws InterruptedException, ExecutionException, TimeoutException {
        var topics = admin.describeTopics(List.of(TRANSACTION_STATE_TOPIC)).topicNameValues().get(TRANSACTION_STATE_TOPIC);
        try {
            return topics.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).partitions().stream()
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return true; // no transaction was ever begun with a transactional id: no coordinator knows any
            }
            throw e;
        }
    }

    /** What the coordinators say of the overdue transactions' producers, by producer id: none for one they do not know. */
    private Map<Long, TransactionDescription> coordinatorsView(List<OpenTransaction> overdue)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<Long> producerIds = new HashSet<>();
        overdue.forEach(transaction -> producerIds.add(transaction.producerId()));
        Map<String, Long> idsByName = new HashMap<>();
        for (TransactionListing listing : admin.listTransactions(new ListTransactionsOptions().filterProducerIds(producerIds))
                .all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            if (producerIds.contains(listing.producerId())) {
                idsByName.put(listing.transactionalId(), listing.producerId());
            }
        }
        Map<Long, TransactionDescription> described = new HashMap<>();
        var result = admin.describeTransactions(idsByName.keySet());
        for (Map.Entry<String, Long> id : idsByName.entrySet()) {
            try {
                described.put(id.getValue(), result.description(id.getKey()).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TransactionalIdNotFoundException)) {
                    throw e;
                }
            }
        }
        return described;
    }

    private void abort(OpenTransaction transaction, ProducerState producer, Duration limit)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (!stillOpen(transaction)) {
            return; // closed meanwhile (another instance aborted it): an abort now could hit the producer's next one
        }
        // a producer that never finished a transaction has no coordinator epoch yet: 0 is at most any (as the tool does)
        int coordinatorEpoch = Math.max(0, producer.coordinatorEpoch().orElse(0));
        try {
            admin.abortTransaction(new AbortTransactionSpec(transaction.partition(), producer.producerId(),
                    (short) producer.producerEpoch(), coordinatorEpoch)).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException refused) {
            // said at every look: readers wait on it until an operator aborts it (kafka-transactions.sh abort)
            LOG.warn("a hanging transaction on {} (producer {}, open since offset {}) holds readers back, and the "
                    + "cluster refused to abort it: {}", transaction.partition(), producer.producerId(),
                    transaction.startOffset(), String.valueOf(refused.getCause()));
            return;
        }
        aborted.increment();
        LOG.warn("aborted a hanging transaction on {}: producer {} (epoch {}), open since offset {} for more than {}, "
                        + "which its coordinator will never close; readers under exactly-once waited on it",
                transaction.partition(), producer.producerId(), producer.producerEpoch(), transaction.startOffset(),
                limit);
        firstSeen.remove(transaction);
    }

    private boolean stillOpen(OpenTransaction transaction) throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeProducers(List.of(transaction.partition())).partitionResult(transaction.partition())
                .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).activeProducers().stream()
                .anyMatch(producer -> producer.producerId() == transaction.producerId()
                        && producer.currentTransactionStartOffset().orElse(-1) == transaction.startOffset());
    }

    @Override
    public void close() {
        timer.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
