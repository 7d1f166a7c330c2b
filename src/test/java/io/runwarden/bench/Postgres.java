package io.runwarden.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * B2's baseline: PostgreSQL 15 from Debian's packages on loopback, doing the original design's sweep, an indexed
 * {@code UPDATE … RETURNING} over the same rows runwarden holds.
 */
final class Postgres implements AutoCloseable {
    static final String BIN = "/usr/lib/postgresql/15/bin/";
    private final Path dir;
    private final int port;
    private final Connection connection;

    private Postgres(Path dir, int port) throws SQLException {
        this.dir = dir;
        this.port = port;
        this.connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    }

    /** initdb and start a throwaway cluster (as the postgres user: the server refuses to run as root). */
    static Postgres start(Path dir) throws Exception {
        Files.createDirectories(dir);
        // the server runs as postgres, which must reach its directory through ours
        run("chmod", "755", dir.getParent().toString());
        run("chown", "postgres", dir.toString());
        int port = Proc.freePort();
        asPostgres(BIN + "initdb", "-D", dir.resolve("data").toString(), "-A", "trust", "-U", "postgres", "--no-sync");
        asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1", "-w", "start");
        return new Postgres(dir, port);
    }

    String version() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** N runs shaped like runwarden's: half in progress (recent), half finished; the index the sweep needs. */
    void load(int runs, int scripts, Instant now) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("DROP TABLE IF EXISTS runs");
            s.execute("CREATE TABLE runs (run_id text PRIMARY KEY, script_name text NOT NULL, status int NOT NULL,"
                    + " start_time timestamptz NOT NULL, end_time timestamptz, message text)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO runs SELECT 'r-' || i, 'script-' || (i % ?),"
                    + " CASE WHEN i % 2 = 0 THEN 2 ELSE 0 END, ?::timestamptz - (i % 3600) * interval '1 second',"
                    + " CASE WHEN i % 2 = 0 THEN NULL ELSE ?::timestamptz END, NULL FROM generate_series(1, ?) AS i")) {
                insert.setInt(1, scripts);
                insert.setTimestamp(2, Timestamp.from(now));
                insert.setTimestamp(3, Timestamp.from(now));
                insert.setInt(4, runs);
                insert.execute();
            }
            s.execute("CREATE INDEX runs_status_start ON runs (status, start_time)");
            s.execute("VACUUM ANALYZE runs");
        }
    }

    void addStale(List<String> runIds, int scripts, Instant startedAt) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO runs VALUES (?, ?, 2, ?, NULL, NULL)")) {
            int i = 0;
            for (String runId : runIds) {
                insert.setString(1, runId);
                insert.setString(2, "script-" + (i++ % scripts));
                insert.setTimestamp(3, Timestamp.from(startedAt));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (Statement s = connection.createStatement()) {
            s.execute("ANALYZE runs");
        }
    }

    record Sweep(int failed, Duration took) {
    }

    /** The original sweep: how many runs it failed, and how long it took. */
    Sweep sweep(Duration defaultMaxRuntime) throws SQLException {
        long began = System.nanoTime();
        int count = 0;
        try (PreparedStatement update = connection.prepareStatement("UPDATE runs SET status = -1, end_time = now(),"
                + " message = 'Script marked as failed - exceeded 3 day timeout' WHERE status = 2 AND start_time < ?"
                + " RETURNING run_id, script_name")) {
            update.setTimestamp(1, Timestamp.from(Instant.now().minus(defaultMaxRuntime)));
            try (ResultSet rs = update.executeQuery()) {
                while (rs.next()) {
                    count++;
                }
            }
        }
        return new Sweep(count, Duration.ofNanos(System.nanoTime() - began));
    }

    @Override
    public void close() throws Exception {
        connection.close();
        asPostgres(BIN + "pg_ctl", "-D", dir.resolve("data").toString(), "-m", "fast", "-w", "stop");
    }

    private static void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> full = new java.util.ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new UncheckedIOException(new IOException(String.join(" ", command) + " failed: " + out));
        }
    }
}
