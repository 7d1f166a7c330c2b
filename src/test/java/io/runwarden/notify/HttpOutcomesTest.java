package io.runwarden.notify;

import com.sun.net.httpserver.HttpServer;
import io.runwarden.model.AlertKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.runwarden.notify.DeliveryOutcome.Outcome.DELIVERED;
import static io.runwarden.notify.DeliveryOutcome.Outcome.FAILED;
import static io.runwarden.notify.DeliveryOutcome.Outcome.RETRY;
import static org.assertj.core.api.Assertions.assertThat;

/** What each answer, or the lack of one, means: a 2xx delivers, a network error, 408, 429 and 5xx retry, the rest fail. */
class HttpOutcomesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final String SECRET = "whsec-do-not-show";

    private final Receiver receiver = new Receiver();
    private final WebhookSender sender = new WebhookSender(Senders.httpClient(), TIMEOUT, Clock.fixed(NOW, ZoneOffset.UTC));
    private final AlertNotification alert = new AlertNotification(Channels.alert(AlertKind.FAILED, "backup", "run-1"));

    HttpOutcomesTest() throws IOException {
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204})
    void aSuccessDelivers(int status) {
        receiver.answering(Receiver.Answer.of(status));

        DeliveryOutcome outcome = send();

        assertThat(outcome.outcome()).isEqualTo(DELIVERED);
        assertThat(outcome.httpStatus()).isEqualTo(status);
    }

    @ParameterizedTest
    @ValueSource(ints = {500, 502, 503, 504, 408, 429})
    void aPassingTroubleIsRetried(int status) {
        receiver.answering(Receiver.Answer.of(status, "busy"));

        DeliveryOutcome outcome = send();

        assertThat(outcome.outcome()).isEqualTo(RETRY);
        assertThat(outcome.httpStatus()).isEqualTo(status);
        assertThat(outcome.detail()).isEqualTo("HTTP " + status + ": busy");
        assertThat(outcome.retryAfter()).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 401, 403, 404, 410, 413, 301, 302})
    void anyOtherAnswerFails(int status) {
        receiver.answering(Receiver.Answer.of(status, "no such hook"));

        DeliveryOutcome outcome = send();

        assertThat(outcome.outcome()).isEqualTo(FAILED);
        assertThat(outcome.httpStatus()).isEqualTo(status);
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (Receiver elsewhere = new Receiver()) {
            receiver.answering(Receiver.Answer.withHeader(307, "Location", elsewhere.url("/stolen")));

            assertThat(send().outcome()).isEqualTo(FAILED);
            assertThat(elsewhere.nothingArrived(Duration.ofMillis(300))).isTrue();
        }
    }

    @Test
    void aTooManyRequestsCarriesItsRetryAfter() {
        receiver.answering(Receiver.Answer.withHeader(429, "Retry-After", "120"));
        assertThat(send().retryAfter()).isEqualTo(Duration.ofMinutes(2));

        receiver.answering(Receiver.Answer.withHeader(429, "Retry-After", "Mon, 30 Nov 2026 10:05:00 GMT"));
        assertThat(send().retryAfter()).isEqualTo(Duration.ofMinutes(5));

        receiver.answering(Receiver.Answer.withHeader(503, "Retry-After", "30"));
        assertThat(send().retryAfter()).isEqualTo(Duration.ofSeconds(30));

        receiver.answering(Receiver.Answer.withHeader(429, "Retry-After", "99999999"));
        assertThat(send().retryAfter()).isEqualTo(Duration.ofHours(24));

        receiver.answering(Receiver.Answer.withHeader(429, "Retry-After", "soon"));
        DeliveryOutcome unreadable = send();
        assertThat(unreadable.outcome()).isEqualTo(RETRY);
        assertThat(unreadable.retryAfter()).isNull();
    }

    @Test
    void aClosedPortIsRetried() throws IOException {
        Channel hook = ChannelRules.checked("hook", Channels.webhook(Receiver.closedPortUrl(), SECRET));

        DeliveryOutcome outcome = sender.send(hook, alert);

        assertThat(outcome.outcome()).isEqualTo(RETRY);
        assertThat(outcome.httpStatus()).isNull();
        assertThat(outcome.detail()).startsWith("could not connect");
    }

    @Test
    void aReceiverThatNeverAnswersIsRetriedAfterTheTimeout() throws IOException {
        // the kernel completes the connection into the backlog; nobody ever reads or answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Channel hook = ChannelRules.checked("hook",
                    Channels.webhook("http://127.0.0.1:" + silent.getLocalPort() + "/hook", SECRET));

            long start = System.nanoTime();
            DeliveryOutcome outcome = sender.send(hook, alert);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(outcome.outcome()).isEqualTo(RETRY);
            assertThat(outcome.detail()).isEqualTo("no answer within 1 s");
            assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
        }
    }

    @Test
    void anEndlessAnswerIsCutAndDoesNotHoldTheSender() throws Exception {
        AtomicBoolean stopped = new AtomicBoolean();
        HttpServer endless = HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        endless.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(200, 0); // chunked, no end
            byte[] chunk = "x".repeat(8_192).getBytes();
            try (OutputStream out = exchange.getResponseBody()) {
                while (!stopped.get()) {
                    out.write(chunk);
                }
            } catch (IOException closedByTheSender) {
                // expected
            }
        });
        endless.start();
        try {
            Channel hook = ChannelRules.checked("hook",
                    Channels.webhook("http://127.0.0.1:" + endless.getAddress().getPort() + "/hook", null));

            long start = System.nanoTime();
            DeliveryOutcome outcome = sender.send(hook, alert);

            assertThat(outcome.outcome()).isEqualTo(DELIVERED);
            assertThat(outcome.detail()).hasSizeLessThanOrEqualTo(DeliveryOutcome.MAX_DETAIL_CHARS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            stopped.set(true);
            endless.stop(0);
        }
    }

    @Test
    void noDetailShowsTheUrlOrTheSecret() throws Exception {
        // a receiver that echoes what it got, with the URL's token in its path, and an answer longer than any detail
        String token = "T0KEN-IN-THE-PATH-0123456789";
        Channel hook = ChannelRules.checked("hook", Channels.webhook(receiver.url("/services/" + token), SECRET));
        receiver.answering(Receiver.Answer.of(400, ("bad hook " + receiver.url("/services/" + token) + " signed with "
                + SECRET + " ").repeat(40)));

        DeliveryOutcome outcome = sender.send(hook, alert);

        assertThat(outcome.outcome()).isEqualTo(FAILED);
        assertThat(outcome.detail()).startsWith("HTTP 400: bad hook ********").doesNotContain(token).doesNotContain(SECRET)
                .doesNotContain("T0KEN").hasSizeLessThanOrEqualTo(DeliveryOutcome.MAX_DETAIL_CHARS);
    }

    @Test
    void aDetailIsOneBoundedLine() {
        receiver.answering(Receiver.Answer.of(500, "line one\nline two\r\n\u0000" + "z".repeat(5_000)));

        DeliveryOutcome outcome = send();

        assertThat(outcome.detail()).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u0000")
                .startsWith("HTTP 500: line one line two").hasSizeLessThanOrEqualTo(DeliveryOutcome.MAX_DETAIL_CHARS);
    }

    private DeliveryOutcome send() {
        return sender.send(ChannelRules.checked("hook", Channels.webhook(receiver.url("/hook"), SECRET)), alert);
    }
}
