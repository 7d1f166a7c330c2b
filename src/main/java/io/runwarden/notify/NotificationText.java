package io.runwarden.notify;

import io.runwarden.model.Alert;
import io.runwarden.model.AlertKind;
import io.runwarden.model.Bounds;
import io.runwarden.model.Times;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The words of a notification for people (mail, Slack): a subject, and a body that holds the whole message. One
 * layout for both, so that a mail and a Slack message of the same alert read alike.
 */
final class NotificationText {
    /** A digest's body names this many scripts, then how many more: a sweep over every script must still fit a message. */
    static final int LISTED_SCRIPTS = 50;
    /** A listed run of a digest shows this much of its message's first line. */
    private static final int RUN_MESSAGE_CHARS = 120;

    private NotificationText() {
    }

    /** A subject line: {@code [runwarden] timeout: backup}. */
    static String subject(Notification notification) {
        return "[runwarden] " + Bounds.oneLine(summary(notification));
    }

    /** One line that says it all, for a subject, a PagerDuty summary or a digest's {@code message}. */
    static String summary(Notification notification) {
        if (notification instanceof AlertNotification single) {
            Alert alert = single.alert();
            return alert.kind().wireName() + ": " + alert.scriptName();
        }
        if (notification instanceof Digest digest) {
            return digest.alerts().size() + " alerts from " + batch(digest) + ": " + kinds(digest);
        }
        TestMessage test = (TestMessage) notification;
        return "test message for channel " + test.channel();
    }

    static String body(Notification notification, Markup markup) {
        return body(notification, markup, Integer.MAX_VALUE);
    }

    /**
     * The body in at most {@code maxChars} characters (Slack cuts a longer text wherever it falls, through the alert
     * id and perhaps an escape): an alert's message is shortened, a digest lists fewer scripts, then fewer runs. The
     * rest, ids and names of bounded length, always fits a limit such as Slack's 40,000.
     */
    static String body(Notification notification, Markup markup, int maxChars) {
        if (notification instanceof AlertNotification single) {
            return alert(single.alert(), markup, maxChars);
        }
        if (notification instanceof Digest digest) {
            return digest(digest, markup, maxChars);
        }
        TestMessage test = (TestMessage) notification;
        return markup.bold("Test message from runwarden") + "\n"
                + "Channel: " + markup.text(test.channel()) + "\n"
                + "Requested at: " + Times.format(test.requestedAt()) + "\n"
                + "If you read this, the channel works.\n"
                + "Id: " + markup.text(test.id());
    }

    private static String alert(Alert alert, Markup markup, int maxChars) {
        StringBuilder text = new StringBuilder()
                .append(markup.bold(alert.kind().wireName() + ": " + alert.scriptName())).append('\n')
                .append("Run: ").append(markup.text(alert.runId())).append('\n');
        if (alert.time() != null) {
            text.append("Time: ").append(Times.format(alert.time())).append('\n');
        }
        if (alert.sweepId() != null) {
            text.append("Sweep: ").append(markup.text(alert.sweepId())).append('\n');
        }
        if (alert.checkId() != null) {
            text.append("Missed-start check: ").append(markup.text(alert.checkId())).append('\n');
        }
        String id = "Alert id: " + markup.text(alert.alertId());
        if (alert.message() != null && !alert.message().isEmpty()) {
            String label = "Message: ";
            int room = maxChars - text.length() - label.length() - 1 - id.length();
            text.append(label).append(markup.text(alert.message(), room)).append('\n');
        }
        return text.append(id).toString();
    }

    private static String digest(Digest digest, Markup markup, int maxChars) {
        Map<String, Integer> counts = digest.countsByScript(); // once: a sweep may count thousands of scripts
        int scripts = Math.min(LISTED_SCRIPTS, counts.size());
        int runs = digest.listedRuns().size();
        String text = digest(digest, counts, markup, scripts, runs);
        // each script or run left out is said to be (and N more): the counts stay whole
        while (text.length() > maxChars && (scripts > 0 || runs > 0)) {
            if (scripts > 0) {
                scripts--;
            } else {
                runs--;
            }
            text = digest(digest, counts, markup, scripts, runs);
        }
        return text;
    }

    private static String digest(Digest digest, Map<String, Integer> scripts, Markup markup, int listedScripts, int listedRuns) {
        StringBuilder text = new StringBuilder()
                .append(markup.bold(digest.alerts().size() + " alerts from " + batch(digest))).append('\n')
                .append("By kind: ").append(kinds(digest)).append('\n')
                .append("By script:\n");
        scripts.entrySet().stream().limit(listedScripts)
                .forEach(e -> text.append("- ").append(markup.text(e.getKey())).append(": ").append(e.getValue()).append('\n'));
        if (scripts.size() > listedScripts) {
            text.append("- and ").append(scripts.size() - listedScripts).append(" more scripts\n");
        }
        List<Alert> runs = digest.listedRuns().subList(0, listedRuns);
        text.append(runs.size() == digest.alerts().size() ? "Runs:\n" : "First " + runs.size() + " runs:\n");
        for (Alert run : runs) {
            text.append("- ").append(run.kind().wireName()).append(' ').append(markup.text(run.scriptName()))
                    .append(" run ").append(markup.text(run.runId()));
            if (run.time() != null) {
                text.append(" at ").append(Times.format(run.time()));
            }
            if (run.message() != null && !run.message().isEmpty()) {
                text.append(": ").append(markup.text(firstLine(run.message())));
            }
            text.append('\n');
        }
        if (digest.alerts().size() > runs.size()) {
            text.append("and ").append(digest.alerts().size() - runs.size()).append(" more runs\n");
        }
        return text.append("Digest id: ").append(markup.text(digest.id())).toString();
    }

    private static String batch(Digest digest) {
        return (digest.fromSweep() ? "sweep " : "missed-start check ") + digest.batchId();
    }

    /** {@code 30 timeout, 7 missed}. */
    private static String kinds(Digest digest) {
        Map<AlertKind, Integer> kinds = digest.countsByKind();
        return kinds.entrySet().stream().map(e -> e.getValue() + " " + e.getKey().wireName()).collect(Collectors.joining(", "));
    }

    private static String firstLine(String message) {
        return cut(message.lines().findFirst().orElse(""), RUN_MESSAGE_CHARS);
    }

    /** At most {@code max} characters and an ellipsis, never half of a surrogate pair (JSON cannot write one). */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end) + "…";
    }
}
