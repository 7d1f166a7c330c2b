package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Bounds;
import io.runwarden.model.InvalidFieldException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a channel may hold, wherever it comes from (the API or a record on {@code notification-channels}), how it is
 * shown, how a PUT replaces it, and which alerts it takes. No refusal quotes a URL, secret or routing key: refusals
 * reach log lines (a bad record on the topic is logged), and a Slack URL is a credential.
 */
public final class ChannelRules {
    /**
     * What every answer shows in place of a secret, a routing key or a Slack URL; sent back, it keeps the stored value
     * (a routing key only while the URL stays the same).
     */
    public static final String MASK = "********";
    public static final String PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";
    static final int MAX_URL_CHARS = 2_048;
    static final int MAX_SECRET_CHARS = 256;
    static final int MAX_ADDRESSES = 50;
    static final int MAX_ADDRESS_CHARS = 320;
    static final int MAX_ROUTING_KEY_CHARS = 64;
    static final int MAX_PATTERNS = 100;
    static final List<String> ALL_SCRIPTS = List.of("*");

    private ChannelRules() {
    }

    /**
     * The channel {@code name} as runwarden keeps it, with its defaults (all scripts, all kinds, enabled, PagerDuty's
     * endpoint), or why not.
     * @throws InvalidFieldException naming the field
     */
    public static Channel checked(String name, Channel channel) {
        try {
            Bounds.id(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("name", e.getMessage());
        }
        if (channel.name() != null && !channel.name().equals(name)) {
            throw new InvalidFieldException("name", "is " + Bounds.quote(channel.name()) + " but the channel is " + Bounds.quote(name));
        }
        ChannelType type = channel.type();
        if (type == null) {
            throw new InvalidFieldException("type", "is required: webhook, slack, email or pagerduty");
        }
        unused(channel, type);
        String url = switch (type) {
            case WEBHOOK, SLACK -> url(required("url", channel.url(), type));
            case PAGERDUTY -> channel.url() == null ? PAGERDUTY_EVENTS_URL : url(channel.url());
            case EMAIL -> null;
        };
        String secret = channel.secret() == null ? null : secret(channel.secret());
        List<String> to = type == ChannelType.EMAIL ? addresses(required("to", channel.to(), type)) : null;
        String routingKey = type == ChannelType.PAGERDUTY ? routingKey(required("routingKey", channel.routingKey(), type)) : null;
        if (channel.createdAt() != null) {
            try {
                Bounds.instant(channel.createdAt());
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("createdAt", e.getMessage());
            }
        }
        return new Channel(name, type, url, secret, to, routingKey, scripts(channel.scripts()), kinds(channel.kinds()),
                channel.enabled() == null || channel.enabled(), channel.createdAt());
    }

    /** The channel as every answer shows it: the secret, the routing key and a Slack URL (its path is the credential) masked. */
    public static Channel masked(Channel channel) {
        return new Channel(channel.name(), channel.type(),
                channel.type() == ChannelType.SLACK && channel.url() != null ? MASK : channel.url(),
                channel.secret() == null ? null : MASK, channel.to(),
                channel.routingKey() == null ? null : MASK, channel.scripts(), channel.kinds(), channel.enabled(),
                channel.createdAt());
    }

    /**
     * What a PUT of {@code incoming} leaves: the incoming channel whole, except that a field sent back as the mask
     * keeps the stored value (a client that read the channel and changed one field need not know the secret), and
     * {@code createdAt} is the stored one's (null for a new channel: the caller sets it). A masked routing key is kept
     * only while the channel still sends to where it did: PagerDuty's key travels in every event, so kept onto a new
     * URL one test send would hand it to whoever wrote that URL, who may write channels but not read their secrets.
     * @param stored the channel as kept now, or null
     * @throws InvalidFieldException naming a masked field that has no stored value to keep, or whose channel now
     *         sends elsewhere
     */
    public static Channel merged(Channel stored, Channel incoming) {
        // a URL is masked only on a Slack channel: kept through the mask onto another type, it would be shown in clear
        boolean slackKept = stored != null && stored.type() == ChannelType.SLACK && incoming.type() == ChannelType.SLACK;
        String url = unmasked("url", incoming.url(), slackKept ? stored.url() : null);
        String routingKey = unmasked("routingKey", incoming.routingKey(), stored == null ? null : stored.routingKey());
        // the mask was kept, so a stored channel is there
        if (MASK.equals(incoming.routingKey()) && !sendsWhereItDid(stored, incoming.type(), url)) {
            throw new InvalidFieldException("routingKey", "is the mask " + MASK + " but the channel's url changed: send the "
                    + "routingKey itself again, as a stored one is kept only for the url it was given with");
        }
        return new Channel(incoming.name(), incoming.type(), url,
                // a webhook's secret never leaves: a new URL gets only signatures, so moving a receiver keeps it
                unmasked("secret", incoming.secret(), stored == null ? null : stored.secret()),
                incoming.to(), routingKey, incoming.scripts(), incoming.kinds(), incoming.enabled(),
                stored == null ? null : stored.createdAt());
    }

    private static boolean sendsWhereItDid(Channel stored, ChannelType type, String url) {
        return stored.type() == type && Objects.equals(destination(stored.type(), stored.url()), destination(type, url));
    }

    /** Where a channel's requests go: its URL, PagerDuty's endpoint when a pagerduty channel names none. */
    private static String destination(ChannelType type, String url) {
        return type == ChannelType.PAGERDUTY && url == null ? PAGERDUTY_EVENTS_URL : url;
    }

    /** Whether the channel takes the alert: enabled, of one of its kinds, of a script one of its patterns matches. */
    public static boolean routes(Channel channel, Alert alert) {
        if (Boolean.FALSE.equals(channel.enabled())) {
            return false;
        }
        if (channel.kinds() != null && !channel.kinds().contains(alert.kind())) {
            return false;
        }
        List<String> scripts = channel.scripts() == null ? ALL_SCRIPTS : channel.scripts();
        return alert.scriptName() != null && scripts.stream().anyMatch(pattern -> Glob.matches(pattern, alert.scriptName()));
    }

    private static String unmasked(String field, String incoming, String stored) {
        if (!MASK.equals(incoming)) {
            return incoming;
        }
        if (stored == null) {
            throw new InvalidFieldException(field, "is the mask " + MASK + " but there is no stored " + field
                    + " to keep: send the value itself");
        }
        return stored;
    }

    /** A field the type does not use must be absent: a {@code to} on a webhook is a mistake, not a no-op. */
    private static void unused(Channel channel, ChannelType type) {
        absent("url", channel.url(), type == ChannelType.EMAIL, type);
        absent("secret", channel.secret(), type != ChannelType.WEBHOOK, type);
        absent("to", channel.to(), type != ChannelType.EMAIL, type);
        absent("routingKey", channel.routingKey(), type != ChannelType.PAGERDUTY, type);
    }

    private static void absent(String field, Object value, boolean unused, ChannelType type) {
        if (unused && value != null) {
            throw new InvalidFieldException(field, "is not a field of a " + type.wireName() + " channel");
        }
    }

    private static <T> T required(String field, T value, ChannelType type) {
        if (value == null) {
            throw new InvalidFieldException(field, "is required for a " + type.wireName() + " channel");
        }
        return value;
    }

    /**
     * An absolute http or https URL with a host. Refused: control characters and spaces (a header or log line could be
     * forged), and user info ({@code https://user:pw@host/}): a credential there would be shown unmasked in every
     * answer for a webhook, the HTTP client would not send it anyway, and {@code https://hooks.slack.com@evil.example/}
     * reads as one host while calling another. A webhook takes a {@code secret} instead. Fragments are refused too:
     * they are never sent, so a URL with one is not the URL that will be called.
     */
    private static String url(String value) {
        if (MASK.equals(value)) {
            throw new InvalidFieldException("url", "is the mask " + MASK + ": send the URL itself");
        }
        if (value.length() > MAX_URL_CHARS) {
            throw new InvalidFieldException("url", "is " + value.length() + " characters long; at most " + MAX_URL_CHARS + " are allowed");
        }
        if (value.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c)) || lonelySurrogate(value)) {
            throw new InvalidFieldException("url", "holds a control character, a space or a lone surrogate");
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new InvalidFieldException("url", "is not a valid URL"); // the exception's message quotes it
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !("http".equals(scheme) || "https".equals(scheme))) {
            throw new InvalidFieldException("url", "must be an absolute http or https URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidFieldException("url", "must not hold a user or password (a webhook takes a secret instead)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidFieldException("url", "must name a host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw new InvalidFieldException("url", "has a port outside 1-65535");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidFieldException("url", "must not hold a fragment (#…): it is never sent");
        }
        try {
            HttpRequest.newBuilder(uri); // the client that will call it agrees
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("url", "is not a URL an HTTP client can call");
        }
        return value;
    }

    private static String secret(String value) {
        if (MASK.equals(value)) {
            throw new InvalidFieldException("secret", "is the mask " + MASK + ": send the secret itself");
        }
        if (value.isEmpty() || value.length() > MAX_SECRET_CHARS) {
            throw new InvalidFieldException("secret", "must be 1 to " + MAX_SECRET_CHARS + " characters long (leave it out for no signature)");
        }
        if (value.chars().anyMatch(Character::isISOControl) || lonelySurrogate(value)) {
            throw new InvalidFieldException("secret", "holds a control character or a lone surrogate");
        }
        return value;
    }

    private static String routingKey(String value) {
        if (MASK.equals(value)) {
            throw new InvalidFieldException("routingKey", "is the mask " + MASK + ": send the routing key itself");
        }
        if (value.isEmpty() || value.length() > MAX_ROUTING_KEY_CHARS) {
            throw new InvalidFieldException("routingKey", "must be 1 to " + MAX_ROUTING_KEY_CHARS + " characters long");
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new InvalidFieldException("routingKey", "must hold only printable ASCII characters, no space");
        }
        return value;
    }

    private static List<String> addresses(List<String> to) {
        if (to.isEmpty() || to.size() > MAX_ADDRESSES) {
            throw new InvalidFieldException("to", "must hold 1 to " + MAX_ADDRESSES + " addresses");
        }
        for (String address : to) {
            address(address);
        }
        return List.copyOf(to);
    }

    private static void address(String address) {
        if (address == null) {
            throw new InvalidFieldException("to", "holds null; every entry must be an address");
        }
        if (address.length() > MAX_ADDRESS_CHARS) {
            throw new InvalidFieldException("to", Bounds.quote(address) + " is longer than " + MAX_ADDRESS_CHARS + " characters");
        }
        if (address.chars().anyMatch(Character::isISOControl) || lonelySurrogate(address)) {
            // a line break in an address is a header injection
            throw new InvalidFieldException("to", Bounds.quote(address) + " holds a control character or a lone surrogate");
        }
        InternetAddress parsed;
        try {
            parsed = new InternetAddress(address, true);
        } catch (AddressException e) {
            throw new InvalidFieldException("to", Bounds.quote(address) + " is not one valid email address");
        }
        if (parsed.isGroup() || parsed.getAddress() == null || parsed.getAddress().indexOf('@') <= 0) {
            throw new InvalidFieldException("to", Bounds.quote(address) + " is not one email address with a domain");
        }
    }

    private static List<String> scripts(List<String> scripts) {
        if (scripts == null) {
            return ALL_SCRIPTS;
        }
        if (scripts.isEmpty() || scripts.size() > MAX_PATTERNS) {
            throw new InvalidFieldException("scripts", "must hold 1 to " + MAX_PATTERNS + " patterns (leave it out for all scripts)");
        }
        for (String pattern : scripts) {
            if (pattern == null) {
                throw new InvalidFieldException("scripts", "holds null; every entry must be a pattern such as synchro*");
            }
            try {
                Bounds.id(pattern); // a pattern obeys the bounds of the names it matches
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("scripts", "pattern " + e.getMessage());
            }
        }
        return List.copyOf(scripts);
    }

    private static List<AlertKind> kinds(List<AlertKind> kinds) {
        if (kinds == null) {
            return List.of(AlertKind.values());
        }
        if (kinds.isEmpty()) {
            throw new InvalidFieldException("kinds", "must hold at least one kind (leave it out for all)");
        }
        if (kinds.stream().anyMatch(Objects::isNull)) {
            throw new InvalidFieldException("kinds", "holds null; every entry must be failed, timeout, missed or recovered");
        }
        Set<AlertKind> distinct = EnumSet.noneOf(AlertKind.class);
        for (AlertKind kind : kinds) {
            if (!distinct.add(kind)) {
                throw new InvalidFieldException("kinds", "names " + kind.wireName() + " twice");
            }
        }
        return List.copyOf(kinds);
    }

    private static boolean lonelySurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
