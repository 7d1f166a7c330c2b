package io.runwarden.config;

import io.runwarden.model.Bounds;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mail server of email channels, from {@code RUNWARDEN_SMTP_*}. Without a host, email channels cannot deliver
 * (each attempt fails, saying so) while everything else runs. Bad values are refused naming the variable, never
 * quoting the password.
 * @param from the sender address; defaults to the username when that is an address
 */
public record SmtpSettings(String host, int port, String username, String password, String from, Tls tls) {
    public static final int DEFAULT_PORT = 587;
    public static final List<String> ENV_VARS = List.of("RUNWARDEN_SMTP_HOST", "RUNWARDEN_SMTP_PORT",
            "RUNWARDEN_SMTP_USERNAME", "RUNWARDEN_SMTP_PASSWORD", "RUNWARDEN_SMTP_FROM", "RUNWARDEN_SMTP_TLS");

    public SmtpSettings {
        if (tls == null) {
            throw new IllegalArgumentException("an SMTP TLS mode is required");
        }
        if (host != null && from == null) {
            throw new IllegalArgumentException("RUNWARDEN_SMTP_FROM must be set with RUNWARDEN_SMTP_HOST");
        }
    }

    /** No mail server: email channels cannot deliver. */
    public static SmtpSettings none() {
        return new SmtpSettings(null, DEFAULT_PORT, null, null, null, Tls.STARTTLS);
    }

    public static SmtpSettings fromEnv(Map<String, String> env) {
        String host = blankToNull(env.get("RUNWARDEN_SMTP_HOST"));
        if (host != null && (host.length() > 253 || !host.chars().allMatch(c -> c > 0x20 && c < 0x7F))) {
            throw new IllegalArgumentException("RUNWARDEN_SMTP_HOST=" + Bounds.quote(host) + " is not a host name or address");
        }
        int port = port(env.get("RUNWARDEN_SMTP_PORT"));
        String username = blankToNull(env.get("RUNWARDEN_SMTP_USERNAME"));
        String password = env.get("RUNWARDEN_SMTP_PASSWORD") == null || env.get("RUNWARDEN_SMTP_PASSWORD").isEmpty()
                ? null : env.get("RUNWARDEN_SMTP_PASSWORD"); // spaces may be part of a password
        if (username != null && password == null) {
            throw new IllegalArgumentException("RUNWARDEN_SMTP_PASSWORD must be set with RUNWARDEN_SMTP_USERNAME");
        }
        if (password != null && username == null) {
            throw new IllegalArgumentException("RUNWARDEN_SMTP_USERNAME must be set with RUNWARDEN_SMTP_PASSWORD");
        }
        Tls tls = tls(env.get("RUNWARDEN_SMTP_TLS"));
        String from = blankToNull(env.get("RUNWARDEN_SMTP_FROM"));
        if (from != null) {
            address("RUNWARDEN_SMTP_FROM", from);
        } else if (host != null) {
            if (username == null || !isAddress(username)) {
                throw new IllegalArgumentException("RUNWARDEN_SMTP_FROM must be set with RUNWARDEN_SMTP_HOST"
                        + " (the address email alerts come from; it defaults to RUNWARDEN_SMTP_USERNAME when that is one)");
            }
            from = username;
        }
        return new SmtpSettings(host, port, username, password, from, tls);
    }

    public boolean configured() {
        return host != null;
    }

    /** What a log line may show: every setting but the password. */
    @Override
    public String toString() {
        return configured()
                ? "SMTP " + host + ":" + port + " " + tls.wireName() + ", from " + from
                  + (username == null ? ", no login" : ", login " + username + " with password [hidden]")
                : "SMTP unset";
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 1 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("RUNWARDEN_SMTP_PORT=" + Bounds.quote(value) + " is not a port number (1-65535)");
    }

    private static Tls tls(String value) {
        if (value == null || value.isBlank()) {
            return Tls.STARTTLS;
        }
        return Tls.fromWireName(value.strip()).orElseThrow(() -> new IllegalArgumentException(
                "RUNWARDEN_SMTP_TLS=" + Bounds.quote(value) + " is not one of starttls (the default), tls or none"));
    }

    private static void address(String variable, String value) {
        if (!isAddress(value)) {
            throw new IllegalArgumentException(variable + "=" + Bounds.quote(value) + " is not one email address");
        }
    }

    private static boolean isAddress(String value) {
        if (value.chars().anyMatch(Character::isISOControl)) {
            return false;
        }
        try {
            InternetAddress address = new InternetAddress(value, true);
            return !address.isGroup() && address.getAddress().indexOf('@') > 0;
        } catch (AddressException e) {
            return false;
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** How the connection is secured: STARTTLS on the plain port (required, not opportunistic), TLS from the start, or not. */
    public enum Tls {
        STARTTLS("starttls"),
        TLS("tls"),
        NONE("none");

        private final String wireName;

        Tls(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Optional<Tls> fromWireName(String name) {
            return Arrays.stream(values()).filter(v -> v.wireName.equals(name)).findFirst();
        }
    }
}
