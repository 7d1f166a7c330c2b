package io.runwarden.exec;

import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code exec --url} says on stderr when its token cannot be sent: never the token. */
class HttpReporterTest {
    private static final String SECRET = "s3cr3t-exec-token";

    /**
     * java.net.http refuses a header value with a control or non-Latin-1 character with an exception that quotes the
     * value: the warning on stderr (a cron mail, a log) carried {@code Bearer <token>}.
     */
    @Test
    void aTokenNoHeaderCanCarryIsAWarningThatDoesNotQuoteIt() throws Exception {
        for (String token : List.of(SECRET + "\u0001", SECRET + "\u0100", "x\r" + SECRET)) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream warnings = new PrintStream(err, true, StandardCharsets.UTF_8);
            // port 9: nothing listens; the header is built before any connection is tried
            Reporting reporting = new Reporting(new HttpReporter(URI.create("http://127.0.0.1:9"), token), warnings);
            reporting.send(new LifecycleEvent("run-1", "backup", EventType.STARTED, Instant.EPOCH, null, null));
            reporting.finish(Duration.ofSeconds(20));
            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(said).as("a warning is given").contains("could not report");
            assertThat(said).as("the token is never quoted").doesNotContain(SECRET);
        }
    }

    /** A token read with {@code --token "$(cat token.txt)"} from a file with CRLF line ends keeps its CR: it is trimmed. */
    @Test
    void theTokenOptionIsTrimmedAsTheServiceTrimsItsOwnTokens() throws Exception {
        ExecOptions options = ExecArguments.parse(List.of("--script", "s", "--url", "http://h:8080", "--token",
                SECRET + "\r", "--", "true"), Map.of()).orElseThrow();
        assertThat(options.token()).isEqualTo(SECRET);
    }
}
