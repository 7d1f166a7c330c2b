package io.runwarden.exec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.Json;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Times;

/** Where a run's lifecycle events go. {@link #report} returns once the event is accepted, or says why it was not. */
interface Reporter extends AutoCloseable {
    void report(LifecycleEvent event) throws ReportException;

    /** Where reports go, for warnings. */
    String target();

    @Override
    void close();

    /** The event's fields in the contract form of script-events, without {@code event}: the HTTP routes take it from the path. */
    static ObjectNode fields(LifecycleEvent event) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("runId", event.runId());
        node.put("scriptName", event.scriptName());
        node.put("time", Times.format(event.time()));
        if (event.message() != null) {
            node.put("message", event.message());
        }
        if (event.maxRuntime() != null) {
            node.put("maxRuntime", Times.format(event.maxRuntime()));
        }
        return node;
    }

    final class ReportException extends Exception {
        ReportException(String message) {
            super(message);
        }

        /** An I/O failure often says what happened only in its cause (a refused connection has no message). */
        ReportException(Throwable cause) {
            super(null, cause);
        }
    }
}
