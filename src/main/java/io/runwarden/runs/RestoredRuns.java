package io.runwarden.runs;

import io.runwarden.kafka.StoreNames;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StandbyUpdateListener;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.processor.TaskId;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The partitions whose runs' store took records from its changelog (a restore, or a standby's updates) since their
 * task last opened its indexes: records some other process wrote, which the local indexes never saw. The indexes'
 * generation tells this release's writers apart, but an earlier release in the middle of its own rebuild writes none:
 * only the records it left in the changelog say that it was there. Listens on the Streams client's updater threads;
 * read, once, by the task's processor as it opens the indexes. Also counts the tasks closed and the restores started,
 * after either of which a store found for a reader may be one that its task is filling again ({@code kafka/HeldStores}).
 */
public final class RestoredRuns implements StateRestoreListener, StandbyUpdateListener {
    /** Its key in the Streams configuration, by which the processor finds the service's own (as its meters). */
    public static final String CONFIG = "runwarden.restored.runs";
    private final Set<Integer> partitions = ConcurrentHashMap.newKeySet();
    private final AtomicLong storeChanges = new AtomicLong();

    /** The service's own from the Streams configuration; where there is none (a test's driver) nothing is restored. */
    public static RestoredRuns from(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof RestoredRuns restored ? restored : new RestoredRuns();
    }

    /** Whether the partition's runs took records since the last call for it; the mark is taken. */
    public boolean take(int partition) {
        return partitions.remove(partition);
    }

    private void took(String storeName, TopicPartition changelog, long records) {
        if (records > 0 && StoreNames.RUNS.equals(storeName)) {
            partitions.add(changelog.partition());
        }
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset, long restored) {
        took(storeName, changelog, restored);
    }

    @Override
    public void onBatchLoaded(TopicPartition changelog, String storeName, TaskId task, long batchEndOffset, long batchSize,
                              long currentEndOffset) {
        took(storeName, changelog, batchSize);
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        storeChanges.incrementAndGet();
    }

    /**
     * Told by a task's processor as it closes, before its stores close: a task found corrupt is closed, wiped and
     * reopened empty into the same store objects before its restore starts.
     */
    public void taskClosed() {
        storeChanges.incrementAndGet();
    }

    /** How many tasks have closed and restores, of any store, have started. */
    public long storeChanges() {
        return storeChanges.get();
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
    }

    @Override
    public void onUpdateStart(TopicPartition changelog, String storeName, long startingOffset) {
    }

    @Override
    public void onUpdateSuspended(TopicPartition changelog, String storeName, long storeOffset, long currentEndOffset,
                                  SuspendReason reason) {
    }
}
