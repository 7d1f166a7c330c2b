package io.runwarden.notify;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real SMTP server on 127.0.0.1, over TCP, that answers each recipient as told: what GreenMail cannot do (it takes
 * every address), such as refusing one for good (550) or for now (451).
 */
final class ScriptedSmtpServer implements AutoCloseable {
    static final String QUIT = "QUIT";
    private final ServerSocket socket;
    private final Map<String, String> refusals;
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /**
     * @param refusals the reply to RCPT TO for an address, {@code "550 5.1.1 no such user"}; others get 250. Under
     *                 {@link #QUIT}, {@code "reset"}: the server resets the connection at QUIT instead of saying 221
     */
    ScriptedSmtpServer(Map<String, String> refusals) throws IOException {
        this.socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        this.refusals = refusals;
        this.thread = new Thread(this::serve, "scripted-smtp");
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** The recipients taken with 250, over every session. */
    List<String> accepted() {
        return accepted;
    }

    /** The messages taken after DATA. */
    List<String> messages() {
        return messages;
    }

    private void serve() {
        while (!socket.isClosed()) {
            try (Socket client = socket.accept()) {
                session(client);
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private void session(Socket client) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        reply(out, "220 scripted ESMTP");
        List<String> pending = new CopyOnWriteArrayList<>();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String command = line.toUpperCase();
            if (command.startsWith("EHLO")) {
                reply(out, "250-scripted\r\n250 8BITMIME");
            } else if (command.startsWith("HELO") || command.startsWith("MAIL FROM") || command.startsWith("RSET")
                    || command.startsWith("NOOP")) {
                reply(out, "250 OK");
            } else if (command.startsWith("RCPT TO")) {
                String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                String refusal = refusals.get(address);
                if (refusal == null) {
                    pending.add(address);
                    reply(out, "250 OK");
                } else {
                    reply(out, refusal);
                }
            } else if (command.equals("DATA")) {
                reply(out, "354 go ahead");
                StringBuilder message = new StringBuilder();
                for (String data = in.readLine(); data != null && !data.equals("."); data = in.readLine()) {
                    message.append(data).append('\n');
                }
                messages.add(message.toString());
                accepted.addAll(pending);
                pending.clear();
                reply(out, "250 queued");
            } else if (command.startsWith("QUIT")) {
                if ("reset".equals(refusals.get(QUIT))) {
                    client.setSoLinger(true, 0); // closed with a reset, not the 221 the client waits for
                    return;
                }
                reply(out, "221 bye");
                return;
            } else {
                reply(out, "502 not here");
            }
        }
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
