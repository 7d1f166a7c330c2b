package io.runwarden.schedule;

import java.util.List;

/** One partition's answer to a check: the positions, in the check's list, of the slots a run of it kept. */
public record StartCheckPart(String checkId, int partition, List<Integer> kept) {
}
