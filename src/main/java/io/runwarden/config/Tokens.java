package io.runwarden.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bearer tokens of DESIGN "Access": {@code api} opens every route, {@code read} only reads, {@code metrics} only
 * {@code /metrics}. Each variable is a comma-separated list, so that a token can be rotated without downtime: add the
 * new one, move it first, drop the old one. The first API token is the one this instance presents to the others.
 */
public record Tokens(List<String> api, List<String> read, List<String> metrics) {
    public static final Tokens NONE = new Tokens(List.of(), List.of(), List.of());
    public static final List<String> ENV_VARS = List.of("RUNWARDEN_API_TOKEN", "RUNWARDEN_READ_TOKEN", "RUNWARDEN_METRICS_TOKEN");
    /** Far above any generated secret, far below the 8 KiB of headers Jetty takes. */
    static final int MAX_LENGTH = 1024;

    public Tokens {
        api = List.copyOf(api);
        read = List.copyOf(read);
        metrics = List.copyOf(metrics);
    }

    static Tokens fromEnv(Map<String, String> env) {
        Tokens tokens = new Tokens(list(env, "RUNWARDEN_API_TOKEN"), list(env, "RUNWARDEN_READ_TOKEN"),
                list(env, "RUNWARDEN_METRICS_TOKEN"));
        if (!tokens.read.isEmpty() && tokens.api.isEmpty()) {
            throw new IllegalArgumentException("RUNWARDEN_READ_TOKEN is set without RUNWARDEN_API_TOKEN:"
                    + " set an API token too, or nobody could ever change anything");
        }
        if (tokens.read.stream().anyMatch(tokens.api::contains)) {
            throw new IllegalArgumentException("a token is in both RUNWARDEN_API_TOKEN and RUNWARDEN_READ_TOKEN:"
                    + " a read token must not write");
        }
        return tokens;
    }

    /** The token this instance presents on the internal routes of the others (instances share the API tokens). */
    public Optional<String> internal() {
        return api.stream().findFirst();
    }

    /**
     * The first token of a list ({@code runwarden exec} presents it); empty when there is none. Lenient: a client that
     * shares the service's environment must report even when the service would refuse a setting.
     */
    public static Optional<String> first(String list) {
        return list == null ? Optional.empty()
                : Arrays.stream(list.split(",")).map(String::strip).filter(token -> !token.isEmpty()).findFirst();
    }

    /** Whether an HTTP header can carry {@code token} as it is: visible ASCII, no space. */
    public static boolean headerSafe(String token) {
        return token.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** What the start-up line says: how many tokens of each kind, never a token. */
    @Override
    public String toString() {
        return "API tokens " + api.size() + ", read tokens " + read.size() + ", metrics tokens " + metrics.size();
    }

    private static List<String> list(Map<String, String> env, String name) {
        return split(name, env.get(name));
    }

    /**
     * Entries are trimmed and empty ones skipped ({@code "a, b,"} is a and b). A token travels in an HTTP header, so it
     * is visible ASCII without the comma that separates the list; anything else would never match and is refused at
     * start. The message names the variable, never the token.
     */
    private static List<String> split(String name, String value) {
        List<String> tokens = new ArrayList<>();
        if (value == null) {
            return tokens;
        }
        for (String entry : value.split(",", -1)) {
            String token = entry.strip();
            if (token.isEmpty()) {
                continue;
            }
            if (token.length() > MAX_LENGTH) {
                throw new IllegalArgumentException(name + " has a token longer than " + MAX_LENGTH + " characters");
            }
            if (!headerSafe(token)) {
                throw new IllegalArgumentException(name + " has a token with a character that is not visible ASCII"
                        + " (a space, a control character or a non-ASCII letter): an HTTP header could not carry it");
            }
            tokens.add(token);
        }
        if (tokens.isEmpty() && !value.isBlank()) {
            throw new IllegalArgumentException(name + " lists no token (only commas)");
        }
        return tokens;
    }
}
