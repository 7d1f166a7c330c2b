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

    abstract String bold(String value);
}
