package io.runwarden.schedule;

import java.util.List;

/**
 * One partition's answer to a check: the positions, in the check's list, of the slots a run of it kept, and the
 * digest of the list it answered, so that the home counts only answers to the very check it holds.
 */
public record StartCheckPart(String checkId, int partition, List<Integer> kept, int digest) {
}
