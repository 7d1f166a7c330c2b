package io.runwarden.http;

import io.runwarden.config.Tokens;
import io.runwarden.metrics.ServiceMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies that arrive slowly, on purpose (a slow-loris attack) or not: they must not keep the API from answering
 * everyone else, nor hold their connections for ever.
 */
class SlowBodiesTest {
    /** More than the 250 threads of Jetty's pool as Javalin sets it: each body read on a thread would take one. */
    private static final int SLOW_CLIENTS = 300;
    /** How long a request of a client that plays fair may take while the slow ones wait; far more than it needs. */
    private static final Duration CEILING = Duration.ofSeconds(30);

    private final FakeServices fake = new FakeServices();
    private final ServiceMetrics metrics = new ServiceMetrics();
    private final ApiServer server = ApiServer.start("127.0.0.1", 0, Tokens.NONE, metrics.registry());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(CEILING).build();
    private final List<Socket> slow = new ArrayList<>();
    private final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();

    {
        server.serve(fake.services());
    }

    @AfterEach
    void stop() throws Exception {
        trickle.shutdownNow();
        for (Socket socket : slow) {
            socket.close();
        }
        server.close();
        metrics.close();
    }

    @Test
    void bodiesTricklingInOnManyConnectionsDoNotStopOtherRequestsAndAreAnswered408() throws Exception {
        for (int i = 0; i < SLOW_CLIENTS; i++) {
            // half declare a body within the 64 KiB limit, half one over it: the API read both before this fix
            slowBody(i % 2 == 0 ? 1_000 : 100_000);
        }
        trickle.scheduleWithFixedDelay(() -> slow.forEach(SlowBodiesTest::oneMoreByte), 1, 1, TimeUnit.SECONDS);

        HttpResponse<String> health = send(HttpRequest.newBuilder(uri("/health")).GET());
        HttpResponse<String> ping = send(HttpRequest.newBuilder(uri("/ping/x/start"))
                .POST(HttpRequest.BodyPublishers.ofString("started by cron")));

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(ping.statusCode()).isEqualTo(201);
        assertThat(fake.pings).hasSize(1);
        for (Socket socket : slow) {
            assertThat(socket.getInputStream().available()).as("answered while every slow body was still coming")
                    .isZero();
        }
        for (Socket socket : slow) {
            assertThat(answer(socket)).startsWith("HTTP/1.1 408 ").contains("\"code\":\"http_408\"");
        }
        assertThat(fake.reported).isEmpty();
    }

    @Test
    void aBodyThatPausesAMomentAndALargeOneAtNormalSpeedAreTaken() throws Exception {
        String rest = "\"scriptName\": \"s\"}\n";
        Socket paused = slowBody(1 + rest.length());
        Thread.sleep(2_000);
        paused.getOutputStream().write(rest.getBytes(StandardCharsets.US_ASCII));

        HttpResponse<String> large = send(HttpRequest.newBuilder(uri("/ping/big/fail"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(64 * 1024))));

        assertThat(answer(paused)).startsWith("HTTP/1.1 201 ");
        assertThat(large.statusCode()).isEqualTo(202);
        assertThat(fake.reported).hasSize(1);
        assertThat(fake.pings).hasSize(1);
    }

    /** A connection that sent the headers of {@code POST /script/runs} and the first byte of its body. */
    private Socket slowBody(int declaredLength) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        slow.add(socket);
        socket.setSoTimeout((int) CEILING.toMillis() * 2);
        String head = "POST /script/runs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + declaredLength + "\r\nConnection: close\r\n\r\n{";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static void oneMoreByte(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(' ');
            out.flush();
        } catch (IOException e) {
            // answered and closed by the server: nothing more to send
        }
    }

    /** What the server answered on {@code socket}, up to the close. */
    private static String answer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder text = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            for (int read; (read = in.read(buffer)) != -1; ) {
                text.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            // a reset after the answer (the rest of the body was never read) ends it as well as a close
            if (text.isEmpty()) {
                throw e;
            }
        }
        return text.toString();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(CEILING).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }
}
