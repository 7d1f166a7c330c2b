package io.runwarden.schedule;

import io.runwarden.model.InvalidFieldException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Schedules on the wall clock of their timezone, across daylight-saving changes as Vixie cron reads them. Paris moves
 * from 02:00 to 03:00 on 2026-03-29 (01:00Z) and from 03:00 back to 02:00 on 2026-10-25 (01:00Z).
 */
class CronScheduleTest {
    private static final String PARIS = "Europe/Paris";

    @Test
    void aFixedTimeThatTheSpringChangeSkipsIsExpectedAtTheFirstInstantAfterTheGap() {
        CronSchedule daily = CronSchedule.of("30 2 * * *", PARIS);

        assertThat(daily.slotsBetween(at("2026-03-27T12:00:00Z"), at("2026-03-31T12:00:00Z"), 10)).containsExactly(
                at("2026-03-28T01:30:00Z"), // 02:30 CET
                at("2026-03-29T01:00:00Z"), // 02:30 does not exist: 03:00 CEST, the end of the gap
                at("2026-03-30T00:30:00Z"), // 02:30 CEST
                at("2026-03-31T00:30:00Z"));
    }

    @Test
    void aFixedTimeThatTheAutumnChangeRepeatsIsExpectedAtItsFirstOccurrenceOnly() {
        CronSchedule daily = CronSchedule.of("30 2 * * *", PARIS);

        assertThat(daily.slotsBetween(at("2026-10-23T12:00:00Z"), at("2026-10-26T12:00:00Z"), 10)).containsExactly(
                at("2026-10-24T00:30:00Z"), // 02:30 CEST
                at("2026-10-25T00:30:00Z"), // 02:30 CEST, the first of two
                at("2026-10-26T01:30:00Z")); // 02:30 CET
    }

    /**
     * Vixie cron reads a job whose minute and hour fields do not start with '*' as fixed-time, lists and ranges
     * included: each of its times once across a change.
     */
    @Test
    void listsAndRangesOfFixedTimesAreExpectedOnceEachAcrossAChange() {
        assertThat(CronSchedule.of("30 2,14 * * *", PARIS).slotsBetween(at("2026-03-29T00:00:00Z"),
                at("2026-03-29T13:00:00Z"), 10)).containsExactly(
                at("2026-03-29T01:00:00Z"), // 02:30 does not exist: 03:00 CEST
                at("2026-03-29T12:30:00Z")); // 14:30 CEST
        assertThat(CronSchedule.of("15,45 1-2 * * *", PARIS).slotsBetween(at("2026-10-24T22:00:00Z"),
                at("2026-10-25T03:00:00Z"), 10)).containsExactly(
                at("2026-10-24T23:15:00Z"), at("2026-10-24T23:45:00Z"), // 01:15 and 01:45 CEST
                at("2026-10-25T00:15:00Z"), at("2026-10-25T00:45:00Z")); // 02:15 and 02:45 CEST, not again in CET
        assertThat(CronSchedule.of("*/30 2 * * *", PARIS).slotsBetween(at("2026-10-24T23:50:00Z"),
                at("2026-10-25T02:00:00Z"), 10)).as("a minute field that starts with * is not fixed").containsExactly(
                at("2026-10-25T00:00:00Z"), at("2026-10-25T00:30:00Z"), // 02:00 and 02:30 CEST
                at("2026-10-25T01:00:00Z"), at("2026-10-25T01:30:00Z")); // and again in CET
    }

    @Test
    void anHourlyScheduleSkipsTheMissingHourAndFiresTwiceInTheRepeatedOne() {
        CronSchedule hourly = CronSchedule.of("30 * * * *", PARIS);

        assertThat(hourly.slotsBetween(at("2026-03-29T00:00:00Z"), at("2026-03-29T02:00:00Z"), 10)).containsExactly(
                at("2026-03-29T00:30:00Z"), // 01:30 CET
                at("2026-03-29T01:30:00Z")); // 03:30 CEST: no 02:30 that day
        assertThat(hourly.slotsBetween(at("2026-10-24T23:00:00Z"), at("2026-10-25T03:00:00Z"), 10)).containsExactly(
                at("2026-10-24T23:30:00Z"), // 01:30 CEST
                at("2026-10-25T00:30:00Z"), // 02:30 CEST
                at("2026-10-25T01:30:00Z"), // 02:30 CET, again
                at("2026-10-25T02:30:00Z")); // 03:30 CET
    }

    @Test
    void everyMinuteAcrossTheRepeatedHourIsInOrderAndComplete() {
        List<Instant> slots = CronSchedule.of("* * * * *", PARIS)
                .slotsBetween(at("2026-10-25T00:00:00Z"), at("2026-10-25T02:00:00Z"), 1_000);

        assertThat(slots).hasSize(120).isSorted().doesNotHaveDuplicates();
        assertThat(slots.get(0)).isEqualTo(at("2026-10-25T00:01:00Z"));
        assertThat(slots.get(119)).isEqualTo(at("2026-10-25T02:00:00Z"));
    }

    @Test
    void theLatestAndNextSlotsSeeTheSameInstantsAcrossAChange() {
        CronSchedule daily = CronSchedule.of("30 2 * * *", PARIS);

        assertThat(daily.latestSlot(at("2026-03-29T01:00:00Z"))).contains(at("2026-03-29T01:00:00Z"));
        assertThat(daily.latestSlot(at("2026-03-29T00:59:59Z"))).contains(at("2026-03-28T01:30:00Z"));
        assertThat(daily.nextSlot(at("2026-03-28T01:30:00Z"))).contains(at("2026-03-29T01:00:00Z"));
        assertThat(daily.latestSlot(at("2026-10-25T01:45:00Z"))).contains(at("2026-10-25T00:30:00Z"));
        assertThat(CronSchedule.of("30 * * * *", PARIS).latestSlot(at("2026-10-25T01:45:00Z")))
                .contains(at("2026-10-25T01:30:00Z"));
    }

    /**
     * Vixie cron (and cronie) ANDs the two day fields when either starts with '*', and ORs them only when both are
     * restricted without one: the answers below are worked out by hand from that rule. 2026-12-04 is a Friday.
     */
    @Test
    void dayFieldsOneOfWhichStartsWithAStarMustBothMatchAsInVixieCron() {
        Instant friday = at("2026-12-04T10:00:00Z");
        assertThat(CronSchedule.of("0 9 */2 * 1", "UTC").slotsBetween(friday, at("2027-01-31T00:00:00Z"), 10))
                .as("Mondays that are odd days, not every odd day").containsExactly(
                        at("2026-12-07T09:00:00Z"), at("2026-12-21T09:00:00Z"), at("2027-01-11T09:00:00Z"),
                        at("2027-01-25T09:00:00Z"));
        assertThat(CronSchedule.of("0 9 */2 * 1", "UTC").nextSlot(friday)).contains(at("2026-12-07T09:00:00Z"));
        assertThat(CronSchedule.of("0 9 */2 * 1", "UTC").latestSlot(at("2027-01-10T12:00:00Z")))
                .contains(at("2026-12-21T09:00:00Z"));
        assertThat(CronSchedule.of("0 9 1-7 * */7", "UTC").slotsBetween(friday, at("2027-02-28T00:00:00Z"), 10))
                .as("*/7 is Sunday (0 and 7): the first Sunday of each month").containsExactly(
                        at("2026-12-06T09:00:00Z"), at("2027-01-03T09:00:00Z"), at("2027-02-07T09:00:00Z"));
        assertThat(CronSchedule.of("0 0 */1 * 1", "UTC").slotsBetween(friday, at("2026-12-15T00:00:00Z"), 10))
                .containsExactly(at("2026-12-07T00:00:00Z"), at("2026-12-14T00:00:00Z"));
        assertThat(CronSchedule.of("0 0 * * */2", "UTC").slotsBetween(friday, at("2026-12-13T00:00:00Z"), 10))
                .as("Sunday, Tuesday, Thursday, Saturday").containsExactly(at("2026-12-05T00:00:00Z"),
                        at("2026-12-06T00:00:00Z"), at("2026-12-08T00:00:00Z"), at("2026-12-10T00:00:00Z"),
                        at("2026-12-12T00:00:00Z"), at("2026-12-13T00:00:00Z"));
        assertThat(CronSchedule.of("0 0 */10 * *", "UTC").slotsBetween(friday, at("2027-01-11T00:00:00Z"), 10))
                .containsExactly(at("2026-12-11T00:00:00Z"), at("2026-12-21T00:00:00Z"), at("2026-12-31T00:00:00Z"),
                        at("2027-01-01T00:00:00Z"), at("2027-01-11T00:00:00Z"));
    }

    @Test
    void everyMinuteOfDaysThatMatchBothDayFieldsAndNoneOfTheOthers() {
        CronSchedule schedule = CronSchedule.of("* * */3 * 1", "UTC"); // Mondays that are day 1, 4, 7, …, 31

        assertThat(schedule.nextSlot(at("2026-12-04T10:00:00Z"))).contains(at("2026-12-07T00:00:00Z"));
        assertThat(schedule.slotsBetween(at("2026-12-07T23:58:00Z"), at("2027-01-04T00:00:00Z"), 10)).containsExactly(
                at("2026-12-07T23:59:00Z"), // 14 and 21 are Mondays of no */3 day; 28 is one
                at("2026-12-28T00:00:00Z"), at("2026-12-28T00:01:00Z"), at("2026-12-28T00:02:00Z"),
                at("2026-12-28T00:03:00Z"), at("2026-12-28T00:04:00Z"), at("2026-12-28T00:05:00Z"),
                at("2026-12-28T00:06:00Z"), at("2026-12-28T00:07:00Z"), at("2026-12-28T00:08:00Z"));
        assertThat(schedule.latestSlot(at("2026-12-27T12:00:00Z"))).contains(at("2026-12-07T23:59:00Z"));
        assertThat(schedule.latestSlot(at("2027-01-25T00:00:30Z"))).contains(at("2027-01-25T00:00:00Z"));
        assertThat(schedule.latestSlot(at("2027-01-24T23:59:59Z"))).contains(at("2027-01-04T23:59:00Z"));
    }

    @Test
    void twoRestrictedDayFieldsWithoutAStarAreEitherAsInVixieCron() {
        assertThat(CronSchedule.of("0 0 1 * 1", "UTC").slotsBetween(at("2026-12-20T00:00:00Z"), at("2027-02-02T00:00:00Z"), 10))
                .as("the 1st of the month or a Monday").containsExactly(at("2026-12-21T00:00:00Z"),
                        at("2026-12-28T00:00:00Z"), at("2027-01-01T00:00:00Z"), at("2027-01-04T00:00:00Z"),
                        at("2027-01-11T00:00:00Z"), at("2027-01-18T00:00:00Z"), at("2027-01-25T00:00:00Z"),
                        at("2027-02-01T00:00:00Z"));
    }

    /** The day rule picks the days; the DST rule still places a fixed time on them. */
    @Test
    void bothDayFieldsAndTheDaylightSavingRulesApplyTogether() {
        CronSchedule oddSundays = CronSchedule.of("30 2 */2 * 0", PARIS); // 29 March and 25 October are odd Sundays

        assertThat(oddSundays.slotsBetween(at("2026-03-20T00:00:00Z"), at("2026-04-13T00:00:00Z"), 10)).containsExactly(
                at("2026-03-29T01:00:00Z"), // 02:30 does not exist: 03:00 CEST
                at("2026-04-05T00:30:00Z")); // 5 April, odd; 22 March and 12 April are even
        assertThat(oddSundays.slotsBetween(at("2026-10-20T00:00:00Z"), at("2026-10-26T00:00:00Z"), 10))
                .containsExactly(at("2026-10-25T00:30:00Z")); // the first 02:30 only
        assertThat(oddSundays.latestSlot(at("2026-04-04T00:00:00Z"))).contains(at("2026-03-29T01:00:00Z"));
    }

    @Test
    void nicknamesAreTheirCronExpressionsOnTheWallClock() {
        assertThat(CronSchedule.of("@daily", PARIS).nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2026-11-30T23:00:00Z"));
        assertThat(CronSchedule.of("@midnight", "UTC").nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2026-12-01T00:00:00Z"));
        assertThat(CronSchedule.of("@hourly", null).nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2026-11-30T13:00:00Z"));
        assertThat(CronSchedule.of("@weekly", "UTC").nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2026-12-06T00:00:00Z"));
        assertThat(CronSchedule.of("@monthly", "UTC").nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2026-12-01T00:00:00Z"));
        assertThat(CronSchedule.of("@yearly", "UTC").nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2027-01-01T00:00:00Z"));
        assertThat(CronSchedule.of("@annually", "UTC").nextSlot(at("2026-11-30T12:00:00Z"))).contains(at("2027-01-01T00:00:00Z"));
    }

    /** Vixie cron numbers day names from SUN 0 and splits fields at tabs as at spaces: crontab lines that work there. */
    @Test
    void dayNamesAndTabsAreReadAsCrontabReadsThem() {
        Instant friday = at("2026-12-04T10:00:00Z");
        assertThat(CronSchedule.accepted("0 0 * * SUN-SAT", "UTC", friday).slotsBetween(friday, at("2026-12-07T00:00:00Z"), 10))
                .as("every day").containsExactly(at("2026-12-05T00:00:00Z"), at("2026-12-06T00:00:00Z"), at("2026-12-07T00:00:00Z"));
        assertThat(CronSchedule.accepted("0 0 * * mon-sun", "UTC", friday).slotsBetween(friday, at("2026-12-07T00:00:00Z"), 10))
                .as("every day too").hasSize(3);
        assertThat(CronSchedule.accepted("0 0 * * Sun,Wed", "UTC", friday).slotsBetween(friday, at("2026-12-10T00:00:00Z"), 10))
                .containsExactly(at("2026-12-06T00:00:00Z"), at("2026-12-09T00:00:00Z"));
        assertThat(CronSchedule.accepted("0 9 */2 * MON", "UTC", friday).nextSlot(friday)).contains(at("2026-12-07T09:00:00Z"));
        assertThat(CronSchedule.accepted("0\t3 * *\t*", "UTC", friday).nextSlot(friday)).contains(at("2026-12-05T03:00:00Z"));
        assertThat(CronSchedule.accepted("0 3 * JAN-DEC *", "UTC", friday).nextSlot(friday)).contains(at("2026-12-05T03:00:00Z"));
        assertThatThrownBy(() -> CronSchedule.accepted("0 3 * * *\n", "UTC", friday)).as("other control characters still")
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void aScheduleThatNeverFiresOrIsNoScheduleIsRefusedNamingTheField() {
        Instant now = at("2026-11-30T12:00:00Z");
        assertThatThrownBy(() -> CronSchedule.accepted("0 0 31 2 *", "UTC", now))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("schedule"))
                .hasMessageContaining("does not fire within the next 366 days");
        for (String bad : List.of("@reboot", "* * * *", "61 * * * *", "every day")) {
            assertThatThrownBy(() -> CronSchedule.accepted(bad, "UTC", now)).as(bad)
                    .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("schedule"));
        }
        assertThatThrownBy(() -> CronSchedule.accepted("0 3 * * *", "Mars/Olympus", now))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> assertThat(e.field()).isEqualTo("timezone"));
    }

    private static Instant at(String instant) {
        return Instant.parse(instant);
    }
}
