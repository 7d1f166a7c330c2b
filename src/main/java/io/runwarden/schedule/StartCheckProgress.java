package io.runwarden.schedule;

import java.time.Instant;
import java.util.Map;

/**
 * A check on its home partition: the answers so far, by partition; {@code check} once the home has read it;
 * {@code since} when the home first heard of it, so that answers to a check that never comes are forgotten too.
 */
public record StartCheckProgress(StartCheck check, Map<Integer, StartCheckPart> parts, boolean complete, Instant since) {
}
