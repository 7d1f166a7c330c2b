package io.runwarden.stream;

import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.Bounds;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Feeds a global store from a compacted topic of JSON values. A record that cannot be read or breaks the bounds is
 * skipped (its key removed) with a log line and a count, rather than stopping every instance: Streams gives global
 * processors no producer for a dead letter. A null value (tombstone) removes the key.
 */
final class GlobalTableUpdater<T> implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalTableUpdater.class);
    /** Writes to a global table through an updater since the JVM started: a reader that keeps one knows when to reread it. */
    private static final AtomicLong CHANGES = new AtomicLong();

    private final String storeName;
    private final Function<byte[], T> reader;
    private final BiFunction<String, T, T> validate;
    private KeyValueStore<String, T> store;
    private RunwardenMeters meters;

    /**
     * @param reader   reads a value, or throws saying why it cannot
     * @param validate returns the value to keep for the key, or throws IllegalArgumentException saying why not
     */
    GlobalTableUpdater(String storeName, Function<byte[], T> reader, BiFunction<String, T, T> validate) {
        this.storeName = storeName;
        this.reader = reader;
        this.validate = validate;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
        meters = RunwardenMeters.from(context.appConfigs());
    }

    /** How many writes updaters made so far, in this JVM: any change of any global table changes it. */
    static long changes() {
        return CHANGES.get();
    }

    @Override
    public void process(Record<String, byte[]> record) {
        try {
            if (record.key() == null) {
                throw new IllegalArgumentException("the record has no key");
            }
            Bounds.id(record.key());
            if (record.value() == null) {
                store.delete(record.key());
                return;
            }
            store.put(record.key(), validate.apply(record.key(), reader.apply(record.value())));
        } catch (RuntimeException e) {
            // any failure here is the record's: the bounds, the JSON, or a library refusing a value
            LOG.warn("{} record {} skipped: {}", storeName, Bounds.quote(record.key()), Bounds.quote(String.valueOf(e.getMessage())));
            meters.deadLettered("invalid-" + storeName);
            if (record.key() != null && Bounds.characters(record.key()) <= Bounds.MAX_ID_CHARS) {
                store.delete(record.key());
            }
        } finally {
            CHANGES.incrementAndGet(); // after the write: a reader that sees the count reads what it counts
        }
    }
}
