package io.runwarden.stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorNode;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.AbstractStoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;


/**
 * A state store that holds nothing and runs a processor's work just before Kafka Streams commits the task: Streams
 * flushes the cache of every store of a task before it takes the task's offsets to commit (at a commit, a suspension,
 * a clean close), as it does for the caches of its own tables. The work forwards records as the processor does,
 * inside the transaction being committed. A dirty close runs it too, into a transaction that is aborted and a local
 * state that exactly-once wipes; the processor starts again with a new init. This holds while no store the work
 * writes has a cache of its own (it could be flushed before this one) and state stores are not transactional.
 */
final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
    static final String NAME = "commit-hook";

    private Runnable beforeCommit = () -> {
    };
    private boolean open;

    /**
     * Runs {@code work} before each commit of the task, as if {@code context}'s processor ran it: Streams calls a
     * store's flush outside any processor, where a record could not be forwarded. Call it from the processor's init.
     */
    void beforeCommit(ProcessorContext<?, ?> context, Runnable work) {
        InternalProcessorContext<?, ?> internal = (InternalProcessorContext<?, ?>) context;
        ProcessorNode<?, ?, ?, ?> node = internal.currentNode();
        this.beforeCommit = () -> {
            ProcessorNode<?, ?, ?, ?> previousNode = internal.currentNode();
            ProcessorRecordContext previousRecord = internal.recordContext();
            internal.setCurrentNode(node);
            internal.setRecordContext(new ProcessorRecordContext(context.currentSystemTimeMs(), -1, -1, null,
                    new RecordHeaders()));
            try {
                work.run();
            } finally {
                internal.setRecordContext(previousRecord);
                internal.setCurrentNode(previousNode);
            }
        };
    }

    @Override
    public void flushCache() {
        beforeCommit.run();
    }

    /** Called when a task's stores are recycled, after its last commit: nothing is left to drop. */
    @Override
    public void clearCache() {
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        context.register(root, (key, value) -> {
        });
        open = true;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Its builder: the hook holds nothing, so nothing to log. */
    static StoreBuilder<CommitHook> builder() {
        return new AbstractStoreBuilder<Void, Void, CommitHook>(NAME, null, null, Time.SYSTEM) {
            @Override
            public CommitHook build() {
                return new CommitHook();
            }
        }.withLoggingDisabled();
    }
}
