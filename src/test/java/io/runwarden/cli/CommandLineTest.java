package io.runwarden.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {
    @Test
    void noArgumentServes() throws Exception {
        assertThat(CommandLine.parse()).isEqualTo(new Command(Command.Kind.SERVE, List.of()));
    }

    @Test
    void serveCanBeNamed() throws Exception {
        assertThat(CommandLine.parse("serve").kind()).isEqualTo(Command.Kind.SERVE);
    }

    @Test
    void helpVersionAndSelftest() throws Exception {
        assertThat(CommandLine.parse("selftest").kind()).isEqualTo(Command.Kind.SELFTEST);
        assertThat(CommandLine.parse("--help").kind()).isEqualTo(Command.Kind.HELP);
        assertThat(CommandLine.parse("--version").kind()).isEqualTo(Command.Kind.VERSION);
    }

    @Test
    void execKeepsEveryFollowingArgumentForItself() throws Exception {
        Command exec = CommandLine.parse("exec", "--script", "backup", "--", "sh", "-c", "--version");
        assertThat(exec.kind()).isEqualTo(Command.Kind.EXEC);
        assertThat(exec.args()).containsExactly("--script", "backup", "--", "sh", "-c", "--version");
        assertThat(CommandLine.parse("exec", "--help").args()).containsExactly("--help");
    }

    @Test
    void anUnknownArgumentIsAUsageError() {
        assertThatThrownBy(() -> CommandLine.parse("--bogus"))
                .isInstanceOf(CommandLineException.class).hasMessage("unknown argument '--bogus'");
        assertThatThrownBy(() -> CommandLine.parse("Exec"))
                .isInstanceOf(CommandLineException.class).hasMessage("unknown argument 'Exec'");
    }

    @Test
    void nothingMayFollowACommandThatTakesNoArguments() {
        assertThatThrownBy(() -> CommandLine.parse("--version", "--help"))
                .isInstanceOf(CommandLineException.class).hasMessage("unexpected argument '--help' after --version");
        assertThatThrownBy(() -> CommandLine.parse("serve", "now"))
                .isInstanceOf(CommandLineException.class).hasMessage("unexpected argument 'now' after serve");
        assertThatThrownBy(() -> CommandLine.parse("selftest", "--verbose"))
                .isInstanceOf(CommandLineException.class).hasMessage("unexpected argument '--verbose' after selftest");
    }

    @Test
    void theUsageNamesEveryCommandAndPointsToTheReadme() {
        assertThat(CommandLine.USAGE).contains("serve", "(the default)", "exec", "selftest", "--help", "--version", "README");
    }

    @Test
    void theVersionIsThePomsAsFilteredAtBuildTime() {
        assertThat(Version.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?").doesNotContain("${");
    }
}
