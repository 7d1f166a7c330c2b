package io.runwarden.notify;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real HTTP server on 127.0.0.1 that records every request and answers as told. */
public final class Receiver implements AutoCloseable {
    public record Request(String method, String path, Headers headers, byte[] body) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An answer: a status, headers, and a body, or {@code echo} to send the request's body back. */
    public record Answer(int status, Map<String, String> headers, String body, boolean echo) {
        public static Answer of(int status) {
            return new Answer(status, Map.of(), "", false);
        }

        public static Answer of(int status, String body) {
            return new Answer(status, Map.of(), body, false);
        }

        public static Answer withHeader(int status, String name, String value) {
            return new Answer(status, Map.of(name, value), "", false);
        }

        public static Answer echo(int status) {
            return new Answer(status, Map.of(), "", true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private volatile Answer answer = Answer.of(200, "ok");

    public Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders(), body));
            Answer now = answers.isEmpty() ? answer : answers.remove(0);
            now.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = now.echo() ? body : now.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(now.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        });
        server.start();
    }

    /** Answers every request so from now on. */
    public Receiver answering(Answer answer) {
        this.answer = answer;
        return this;
    }

    /** Answers the next requests so, one each, then as before. */
    public Receiver thenAnswering(Answer... next) {
        answers.addAll(List.of(next));
        return this;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public Request next() throws InterruptedException {
        Request request = requests.poll(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request arrived");
        }
        return request;
    }

    public boolean nothingArrived(Duration within) throws InterruptedException {
        return requests.poll(within.toMillis(), TimeUnit.MILLISECONDS) == null;
    }

    /** A URL on 127.0.0.1 where nothing listens: a port just bound and closed again. */
    public static String closedPortUrl() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort() + "/hook";
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
