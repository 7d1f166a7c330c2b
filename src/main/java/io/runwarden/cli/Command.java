package io.runwarden.cli;

import java.util.List;

/** What one invocation of runwarden asks for; {@code args} are the arguments of {@code exec}, empty otherwise. */
public record Command(Kind kind, List<String> args) {
    public enum Kind {
        /** The service: the default, and {@code serve}. */
        SERVE,
        /** {@code exec …}: one monitored run of a command. */
        EXEC,
        /** {@code selftest}: a throwaway service on this machine reports, reads and sweeps a run, then stops. */
        SELFTEST,
        HELP,
        VERSION
    }

    public Command {
        args = List.copyOf(args);
    }

    static Command of(Kind kind) {
        return new Command(kind, List.of());
    }
}
