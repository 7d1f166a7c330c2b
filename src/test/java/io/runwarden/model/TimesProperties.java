package io.runwarden.model;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hand-written fast paths of {@link Times} write and read exactly what the JDK's formatters do. */
class TimesProperties {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    /** 0001-01-01 to 9999-12-31. */
    private static final long FIRST = -62_135_596_800_000L;
    private static final long LAST = 253_402_300_799_999L;

    /** The years 0 and 9999 (the hand-written path's ends) and beyond, where the formatter writes them instead. */
    @Property(tries = 2000)
    void writesWhatTheFormatterWrites(@ForAll @LongRange(min = 20 * FIRST, max = 2 * LAST) long millis,
                                      @ForAll @LongRange(max = 999_999) long nanos) {
        Instant instant = Instant.ofEpochMilli(millis).plusNanos(nanos);
        assertThat(Times.format(instant)).isEqualTo(REFERENCE.format(instant));
    }

    @Example
    void writesTheEndsOfTheHandWrittenYears() {
        for (String text : List.of("0000-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z", "-0001-12-31T23:59:59.999Z",
                "+10000-01-01T00:00:00.000Z", "1969-12-31T23:59:59.999Z", "1970-01-01T00:00:00.000Z")) {
            Instant instant = Instant.parse(text);
            assertThat(Times.format(instant)).isEqualTo(REFERENCE.format(instant));
        }
        assertThat(Times.format(Instant.parse("0000-01-01T00:00:00Z"))).isEqualTo("0000-01-01T00:00:00.000Z");
        assertThat(Times.format(Instant.parse("1969-12-31T23:59:59.999Z"))).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Property(tries = 2000)
    void readsBackWhatItWrites(@ForAll @LongRange(min = FIRST, max = LAST) long millis) {
        Instant instant = Instant.ofEpochMilli(millis);
        assertThat(Times.parseInstant(Times.format(instant))).isEqualTo(instant);
        Instant seconds = instant.truncatedTo(ChronoUnit.SECONDS);
        assertThat(Times.parseInstant(seconds.toString().replace(".000", ""))).isEqualTo(seconds);
    }

    /** Nanoseconds as Java writes them, micros as Python does, any fraction of 1 to 9 digits: as the JDK reads it. */
    @Property(tries = 2000)
    void readsEveryFractionAsTheJdkDoes(@ForAll @LongRange(min = FIRST, max = LAST) long millis,
                                        @ForAll @IntRange(max = 999_999_999) int nanos, @ForAll @IntRange(min = 1, max = 9) int digits) {
        String fraction = String.format("%09d", nanos).substring(0, digits);
        String text = Times.format(Instant.ofEpochMilli(millis)).substring(0, 19) + "." + fraction + "Z";
        assertThat(Times.parseInstant(text)).as(text).isEqualTo(DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(text, Instant::from));
    }

    @Property(tries = 200)
    void otherFormsStillGoToTheGeneralParser(@ForAll @LongRange(min = 0, max = LAST) long millis) {
        Instant instant = Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS);
        String withOffset = instant.atOffset(ZoneOffset.ofHours(2)).toString();
        assertThat(Times.parseInstant(withOffset)).isEqualTo(instant);
    }

    @Property(tries = 1)
    void impossibleDatesAreRefusedWhicheverPathReadsThem() {
        for (String bad : new String[] {"2025-02-30T10:00:00Z", "2025-13-01T10:00:00Z", "2025-01-01T24:00:00Z",
                "2025-01-01T10:60:00.000Z", "2025-0a-01T10:00:00Z", "2025-01-01 10:00:00Z", "2025-01-01T10:00:00.12Z",
                "2025-01-01T10:00:00.1234567890Z", "2025-01-01T10:00:00.12a4Z", "2025-01-01T10:00:00,5Z"}) {
            if (bad.equals("2025-01-01T10:00:00.12Z")) {
                assertThat(Times.parseInstant(bad)).isEqualTo(Instant.parse("2025-01-01T10:00:00.120Z"));
                continue;
            }
            assertThatThrownBy(() -> Times.parseInstant(bad)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
        }
    }
}
