package io.runwarden.exec;

/** The arguments cannot be run: the command is not started and runwarden exec exits with 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
