package io.runwarden.cli;

/** Arguments runwarden does not understand: it prints the usage and exits with 2, having started nothing. */
public final class CommandLineException extends Exception {
    /** The exit code of bad arguments, as for most Unix tools and for runwarden exec. */
    public static final int EXIT_CODE = 2;

    public CommandLineException(String message) {
        super(message);
    }
}
