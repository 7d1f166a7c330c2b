package io.runwarden.schedule;

import java.util.Map;

/** A check on its home partition: the answers so far, by partition; {@code check} once the home has read it. */
public record StartCheckProgress(StartCheck check, Map<Integer, StartCheckPart> parts, boolean complete) {
}
