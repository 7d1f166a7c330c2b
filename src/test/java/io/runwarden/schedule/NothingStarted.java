package io.runwarden.schedule;

import java.util.ArrayList;
import java.util.List;

/** A partition's runs for start-check tests: ready, holding no start of any script, keeping the slots it is told missed. */
record NothingStarted(List<MissedSlot> missed) implements StartChecks.PartitionRuns {
    NothingStarted() {
        this(new ArrayList<>());
    }

    @Override
    public boolean readyToAnswer() {
        return true;
    }

    @Override
    public List<Integer> kept(List<ExpectedSlot> slots) {
        return List.of();
    }

    @Override
    public void recordMissed(MissedSlot slot, List<String> runIds, long timestamp) {
        missed.add(slot);
    }

    @Override
    public void batchDone(String checkId, int partition, long timestamp) {
    }
}
