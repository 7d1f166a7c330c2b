package io.runwarden.notify;

import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Takes a channel's credentials out of a text before it becomes an outcome's detail or a log line. The senders never
 * put them there themselves; this covers what comes from elsewhere: an exception's message that names the URL, or a
 * receiver that echoes the request (a PagerDuty body holds the routing key).
 */
final class Redactor {
    /** How deep a chain of causes is read: a cycle must not hold a sender. */
    static final int MAX_CAUSES = 32;
    private final List<String> secrets;

    private Redactor(List<String> secrets) {
        this.secrets = secrets;
    }

    static Redactor of(String... secrets) {
        List<String> kept = new ArrayList<>();
        Stream.of(secrets).filter(Objects::nonNull).filter(s -> !s.isEmpty()).forEach(kept::add);
        kept.sort(Comparator.comparingInt(String::length).reversed()); // a URL before the path it contains
        return new Redactor(List.copyOf(kept));
    }

    /**
     * The URL, secret and routing key of a channel, and the path and query of its URL, together and apart: Slack keeps
     * its token in the path, and a message may quote the path alone.
     */
    static Redactor of(Channel channel) {
        List<String> secrets = new ArrayList<>(List.of(Objects.toString(channel.secret(), ""),
                Objects.toString(channel.routingKey(), "")));
        if (channel.url() != null) {
            secrets.add(channel.url());
            try {
                URI uri = URI.create(channel.url());
                String path = uri.getRawPath() == null || uri.getRawPath().length() <= 1 ? "" : uri.getRawPath();
                String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
                secrets.addAll(List.of(path, query, path.isEmpty() || query.isEmpty() ? "" : path + "?" + query));
            } catch (IllegalArgumentException e) {
                // a checked channel's URL parses; the whole URL is taken out anyway
            }
        }
        return of(secrets.toArray(String[]::new));
    }

    /** An error as a detail may show it: its kind, and the first message along its causes, credentials taken out. */
    String describe(Throwable error) {
        Throwable shown = error;
        for (int depth = 0; shown.getMessage() == null && shown.getCause() != null && depth < MAX_CAUSES; depth++) {
            shown = shown.getCause();
        }
        String message = shown.getMessage();
        return shown.getClass().getSimpleName() + (message == null ? "" : " " + clean(message));
    }

    String clean(String text) {
        if (text == null) {
            return null;
        }
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, ChannelRules.MASK);
        }
        return clean;
    }
}
