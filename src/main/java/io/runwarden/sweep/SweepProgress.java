package io.runwarden.sweep;

import java.util.Map;
import java.util.TreeMap;

/** A sweep on its way: the parts reported so far, by partition; {@code result} once every part is in. */
public record SweepProgress(SweepRequest request, int expectedParts, Map<Integer, SweepPart> parts,
                            SweepResult result) {

    public static SweepProgress started(SweepRequest request, int expectedParts) {
        return new SweepProgress(request, expectedParts, new TreeMap<>(), null);
    }

    public boolean complete() {
        return result != null;
    }
}
