package io.runwarden.exec;

import io.runwarden.model.LifecycleEvent;

/** Where a run's lifecycle events go. {@link #report} returns once the event is accepted, or says why it was not. */
interface Reporter extends AutoCloseable {
    void report(LifecycleEvent event) throws ReportException;

    /** Where reports go, for warnings. */
    String target();

    @Override
    void close();

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
