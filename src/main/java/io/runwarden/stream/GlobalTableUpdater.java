package io.runwarden.stream;

import io.runwarden.model.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiFunction;

/**
 * Feeds a global store from a compacted topic of JSON values. A value that cannot be read or is invalid is
 * logged and its key removed rather than stopping every instance; a null value (tombstone) removes the key.
 */
final class GlobalTableUpdater<T> implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(GlobalTableUpdater.class);

    private final String storeName;
    private final Class<T> type;
    private final BiFunction<String, T, T> validate;
    private KeyValueStore<String, T> store;

    /** @param validate returns the value to keep for the key, or throws IllegalArgumentException saying why not */
    GlobalTableUpdater(String storeName, Class<T> type, BiFunction<String, T, T> validate) {
        this.storeName = storeName;
        this.type = type;
        this.validate = validate;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            return;
        }
        try {
            store.put(record.key(), validate.apply(record.key(), Json.read(record.value(), type)));
        } catch (SerializationException | IllegalArgumentException e) {
            LOG.warn("{} '{}' ignored: {}", storeName, record.key(), e.getMessage());
            store.delete(record.key());
        }
    }
}
