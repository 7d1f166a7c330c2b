package io.runwarden.exec;

import com.sun.net.httpserver.HttpServer;
import io.runwarden.model.EventType;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.notify.Receiver;
import io.runwarden.notify.Receiver.Answer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code exec --url} against a real HTTP server: what it retries, and what it says on stderr. */
class HttpReporterTest {
    private static final String SECRET = "s3cr3t-exec-token";
    private static final LifecycleEvent END =
            new LifecycleEvent("run-1", "backup", EventType.SUCCEEDED, Instant.EPOCH, "exit 0 in 3 s", null);

    /** A service that restarts or rebalances answers 503 for a few seconds: the run's end must not be lost to it. */
    @Test
    void anEndRefusedForNowIsSentAgainAsTheServiceAsks() throws Exception {
        try (Receiver service = new Receiver()) {
            service.answering(Answer.of(200, "{}")).thenAnswering(Answer.withHeader(503, "Retry-After", "1"),
                    Answer.of(502), Answer.of(429));
            new HttpReporter(URI.create(service.url("")), null).report(END);

            for (int i = 0; i < 4; i++) {
                assertThat(service.next().path()).isEqualTo("/script/runs/run-1/succeeded");
            }
            assertThat(service.nothingArrived(Duration.ofMillis(200))).isTrue();
        }
    }

    /** A service not listening yet (its process restarting) is tried again within the send's 10 s. */
    @Test
    void aStartThatCannotConnectIsSentOnceTheServiceListens() throws Exception {
        int port = URI.create(Receiver.closedPortUrl()).getPort();
        List<String> arrived = new CopyOnWriteArrayList<>();
        AtomicReference<HttpServer> service = new AtomicReference<>();
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(1_000);
                service.set(listen(port, arrived));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        restart.start();
        try {
            new HttpReporter(URI.create("http://127.0.0.1:" + port), null)
                    .report(new LifecycleEvent("run-1", "backup", EventType.STARTED, Instant.EPOCH, null, null));
            assertThat(arrived).containsExactly("/script/runs");
        } finally {
            restart.join();
            service.get().stop(0);
        }
    }

    private static HttpServer listen(int port, List<String> arrived) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> {
            arrived.add(exchange.getRequestURI().getPath());
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** "No" is final: a bad token, a bad field. So is a heartbeat's failure: the next one follows. */
    @Test
    void aRefusalAndAFailedHeartbeatAreNotSentAgain() throws Exception {
        try (Receiver service = new Receiver()) {
            service.answering(Answer.of(401, "{\"error\":{\"code\":\"unauthorized\",\"message\":\"no token\"}}"));
            assertThatThrownBy(() -> new HttpReporter(URI.create(service.url("")), null).report(END))
                    .hasMessage("HTTP 401 unauthorized: no token");
            service.answering(Answer.of(503));
            assertThatThrownBy(() -> new HttpReporter(URI.create(service.url("")), null).report(
                    new LifecycleEvent("run-1", "backup", EventType.HEARTBEAT, Instant.EPOCH, null, null)))
                    .hasMessageStartingWith("HTTP 503");
            service.next();
            service.next();
            assertThat(service.nothingArrived(Duration.ofMillis(500))).isTrue();
        }
    }

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
