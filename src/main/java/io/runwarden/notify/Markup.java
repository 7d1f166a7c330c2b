package io.runwarden.notify;

/** How a message's text is written for where it goes: plain for mail, Slack's mrkdwn for Slack. */
enum Markup {
    PLAIN {
        @Override
        String text(String value) {
            return value;
        }

        @Override
        String bold(String value) {
            return value;
        }
    },
    /**
     * Slack reads {@code <…>} as a link or a mention and {@code &} as an entity: escaped, a script name or message
     * such as {@code <!channel>} cannot ping a whole channel.
     */
    SLACK {
        @Override
        String text(String value) {
            return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
        }

        @Override
        String bold(String value) {
            return "*" + text(value) + "*";
        }
    };

    /** A value from outside (a script name, a message) as this markup must show it. */
    abstract String text(String value);

    /**
     * {@link #text} of the value in at most {@code max} characters: cut, with an ellipsis, between two characters of
     * the value, so never inside an escape ({@code &amp;}) or a surrogate pair, which a receiver would show garbled.
     */
    String text(String value, int max) {
        String whole = text(value);
        if (whole.length() <= max) {
            return whole;
        }
        StringBuilder cut = new StringBuilder();
        for (int i = 0; i < value.length(); ) {
            int end = i + Character.charCount(value.codePointAt(i));
            String next = text(value.substring(i, end));
            if (cut.length() + next.length() > max - 1) {
                break;
            }
            cut.append(next);
            i = end;
        }
        return max < 1 ? "" : cut.append('…').toString();
    }

    abstract String bold(String value);
}
