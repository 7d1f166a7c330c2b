package io.runwarden.exec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The exec command line as a crontab would write it. */
class ExecArgumentsTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void everyOptionInBothSpellingsAndTheCommandKeepsItsOwnOptions() throws Exception {
        ExecOptions options = parse(NO_ENV, "--script", "backup", "--run-id=backup-1", "--max-runtime", "PT2H",
                "--heartbeat=PT10M", "--url", "http://runwarden:8080/", "--token", "t0k", "--", "tar", "-czf", "--", "x");

        assertThat(options).isEqualTo(new ExecOptions("backup", "backup-1", Duration.ofHours(2), Duration.ofMinutes(10),
                ExecArguments.DEFAULT_BOOTSTRAP, URI.create("http://runwarden:8080"), "t0k", List.of("tar", "-czf", "--", "x")));
    }

    @Test
    void defaultsAFreshRunIdHeartbeatsEveryFiveMinutesAndTheLocalBroker() throws Exception {
        ExecOptions first = parse(NO_ENV, "--script", "backup", "/opt/backup.sh");
        ExecOptions second = parse(NO_ENV, "--script", "backup", "/opt/backup.sh");

        assertThat(UUID.fromString(first.runId())).isNotEqualTo(UUID.fromString(second.runId()));
        assertThat(first.heartbeat()).isEqualTo(Duration.ofMinutes(5));
        assertThat(first.maxRuntime()).isNull();
        assertThat(first.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(first.url()).isNull();
        assertThat(first.command()).containsExactly("/opt/backup.sh");
    }

    @Test
    void theEnvironmentSuppliesBrokerAndTokenUnlessFlagsSayOtherwise() throws Exception {
        Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9093", "RUNWARDEN_API_TOKEN", "from-env");

        assertThat(parse(env, "--script", "s", "--", "true").bootstrapServers()).isEqualTo("kafka:9093");
        assertThat(parse(env, "--script", "s", "--bootstrap", "other:9092", "--", "true").bootstrapServers())
                .isEqualTo("other:9092");
        assertThat(parse(env, "--script", "s", "--url", "http://h:8080", "--", "true").token()).isEqualTo("from-env");
        assertThat(parse(env, "--script", "s", "--url", "http://h:8080", "--token", "flag", "--", "true").token())
                .isEqualTo("flag");
    }

    @Test
    void aShortMaxRuntimeGetsHeartbeatsOftenEnoughToKeepALiveRunAliveAndOffTurnsThemOff() throws Exception {
        assertThat(parse(NO_ENV, "--script", "s", "--max-runtime", "PT6M", "--", "true").heartbeat())
                .isEqualTo(Duration.ofMinutes(2));
        assertThat(parse(NO_ENV, "--script", "s", "--max-runtime", "PT6H", "--", "true").heartbeat())
                .isEqualTo(Duration.ofMinutes(5));
        assertThat(parse(NO_ENV, "--script", "s", "--heartbeat", "off", "--", "true").heartbeat()).isNull();
    }

    @Test
    void helpAnywhereBeforeTheCommandAsksForUsage() throws Exception {
        assertThat(ExecArguments.parse(List.of("--help"), NO_ENV)).isEmpty();
        assertThat(ExecArguments.parse(List.of("--script", "s", "-h", "--", "true"), NO_ENV)).isEmpty();
        assertThat(ExecArguments.parse(List.of("--script", "s", "--", "grep", "--help"), NO_ENV)).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "no script              | -- true                                               | --script NAME is required",
            "no command             | --script s                                            | no command to run",
            "no command after --    | --script s --                                         | no command to run",
            "value missing          | --script                                              | --script needs a value",
            "blank script           | --script= -- true                                     | --script must not be blank",
            "unknown option         | --script s --colour red -- true                       | unknown option --colour",
            "bad max runtime        | --script s --max-runtime 2h -- true                   | --max-runtime: '2h' is not an ISO-8601 duration",
            "zero heartbeat         | --script s --heartbeat PT0S -- true                   | --heartbeat: 'PT0S' is outside PT1S to P3650D",
            "heartbeat too long     | --script s --max-runtime PT5M --heartbeat PT5M -- true | must be shorter than --max-runtime PT5M",
            "url and bootstrap      | --script s --url http://h --bootstrap k:9092 -- true  | --url and --bootstrap exclude each other",
            "token without url      | --script s --token t -- true                          | --token is for the HTTP API",
            "not an http url        | --script s --url ftp://h -- true                      | --url: 'ftp://h' is not an http(s) URL",
    })
    void badArgumentsSayWhatIsWrong(String name, String args, String error) {
        assertThatThrownBy(() -> ExecArguments.parse(Arrays.asList(args.split(" ")), NO_ENV))
                .isInstanceOf(UsageException.class).hasMessageContaining(error);
    }

    /** Every report of a run named so would be dead-lettered by the service: the job's failure would reach no one. */
    @Test
    void aScriptNameOrRunIdTheServiceWouldRefuseIsAUsageError() throws UsageException {
        for (List<String> args : List.of(List.of("--script", "s".repeat(257), "--", "true"),
                List.of("--script", "back\u0001up", "--", "true"),
                List.of("--script", "s", "--run-id", "r".repeat(257), "--", "true"),
                List.of("--script", "s", "--run-id", "r\u0000", "--", "true"))) {
            assertThatThrownBy(() -> ExecArguments.parse(args, NO_ENV)).isInstanceOf(UsageException.class)
                    .hasMessageStartingWith(args.contains("--run-id") ? "--run-id " : "--script ");
        }
        assertThat(ExecArguments.parse(List.of("--script", "s".repeat(256), "--", "true"), NO_ENV)).isPresent();
    }

    private static ExecOptions parse(Map<String, String> env, String... args) throws UsageException {
        return ExecArguments.parse(List.of(args), env).orElseThrow();
    }
}
