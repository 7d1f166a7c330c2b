package io.runwarden.schedule;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A 5-field expression as crontab reads it, rewritten for cron-utils: fields apart by spaces or tabs, and day names
 * as Vixie cron numbers them, Sunday 0 to Saturday 6 (cron-utils numbers SUN 7, so it refused {@code SUN-SAT}).
 */
final class CrontabFields {
    private static final Pattern DAY_NAME = Pattern.compile("(?i)\\b(SUN|MON|TUE|WED|THU|FRI|SAT)\\b");
    private static final String DAYS = "SUNMONTUEWEDTHUFRISAT";

    private CrontabFields() {
    }

    /** Fields one space apart; what is not five fields is left for the parser to refuse. */
    static String normalized(String expression) {
        String[] fields = expression.strip().split("[ \t]+");
        if (fields.length == 5) {
            fields[4] = dayNumbers(fields[4]);
        }
        return String.join(" ", fields);
    }

    private static String dayNumbers(String field) {
        Matcher name = DAY_NAME.matcher(field);
        StringBuilder numbers = new StringBuilder();
        while (name.find()) {
            int day = DAYS.indexOf(name.group(1).toUpperCase(Locale.ROOT)) / 3;
            // SUN that ends a range is 7, as cron reads MON-SUN: the whole week, not an empty range
            boolean endsRange = name.start() > 0 && field.charAt(name.start() - 1) == '-';
            name.appendReplacement(numbers, String.valueOf(day == 0 && endsRange ? 7 : day));
        }
        name.appendTail(numbers);
        return numbers.toString();
    }
}
