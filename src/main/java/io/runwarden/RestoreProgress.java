package io.runwarden;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * Kafka Streams takes one restore listener: this one hands every call on to the runs' read model and tells the state
 * watch that a restore is making progress (see {@link StreamsStateWatch#stuck}).
 */
final class RestoreProgress implements StateRestoreListener {
    private final StateRestoreListener next;
    private final StreamsStateWatch watch;

    RestoreProgress(StateRestoreListener next, StreamsStateWatch watch) {
        this.next = next;
        this.watch = watch;
    }

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        watch.restored();
        next.onRestoreStart(changelog, storeName, startingOffset, endingOffset);
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset, long restored) {
        watch.restored();
        next.onBatchRestored(changelog, storeName, batchEndOffset, restored);
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
        next.onRestoreEnd(changelog, storeName, totalRestored);
    }

    @Override
    public void onRestoreSuspended(TopicPartition changelog, String storeName, long totalRestored) {
        next.onRestoreSuspended(changelog, storeName, totalRestored);
    }
}
