package io.runwarden.stream;

import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A sweep or a check waits for each of its hops to be committed before the next partition reads it: what runwarden
 * sends on for one is committed at once, anything else at the commit interval (a flood of pings, moved events or
 * missed slots must not make the thread commit after every record).
 */
class EmitterTest {
    @ParameterizedTest
    @EnumSource(ControlRecord.class)
    void aHopOfASweepOrACheckIsCommittedAtOnceAndNothingElseIs(ControlRecord kind) {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        new Emitter(context).send("key", new byte[0], kind.headers(), 0L);

        assertEquals(1, context.forwarded().size());
        boolean awaited = kind != ControlRecord.PING && kind != ControlRecord.MISSED_SLOT;
        assertEquals(awaited, context.committed(), kind + " committed");
    }

    @Test
    void aMovedEventAndTheRunsOwnRecordsWaitForTheCommitInterval() {
        MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        Emitter emitter = new Emitter(context);
        emitter.send("run-1", new byte[0], new RecordHeaders(), 0L);
        emitter.toRuns("run-1", "a run", 0L);
        emitter.toFailures("run-1", "a failure", 0L);

        assertEquals(3, context.forwarded().size());
        assertFalse(context.committed());
    }
}
