package io.runwarden.schedule;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schedule remembers the slots around the instant it was last asked about; asked again about any instant, in any
 * order (the dashboard's reads go forward, a test's clock may go back, DST moves slots), it answers as a schedule
 * that remembers nothing.
 */
class CronScheduleProperties {
    private static final Instant T0 = Instant.parse("2026-03-20T00:00:00Z");

    @Property(tries = 300)
    void aRememberedSlotIsTheSlotASearchFinds(@ForAll("schedules") String schedule, @ForAll("zones") String zone,
                                               @ForAll("offsets") List<Long> minutes) {
        CronSchedule remembering = CronSchedule.parse(schedule, zone);
        for (long offset : minutes) {
            Instant now = T0.plusSeconds(offset * 60 + offset % 7);
            CronSchedule fresh = CronSchedule.parse(schedule, zone);
            assertThat(remembering.nextSlot(now)).as("next slot of %s in %s at %s", schedule, zone, now).isEqualTo(fresh.nextSlot(now));
            assertThat(remembering.latestSlot(now)).as("latest slot of %s in %s at %s", schedule, zone, now)
                    .isEqualTo(CronSchedule.parse(schedule, zone).latestSlot(now));
        }
    }

    @Provide
    Arbitrary<String> schedules() {
        return Arbitraries.of("30 2 * * *", "0 3 * * *", "30 * * * *", "*/5 * * * *", "0 0 1 * *", "0 12 * * 1-5",
                "15 1,2,3 * * *", "@weekly", "0 0 29 2 *", "59 23 31 12 *", "0 9 */2 * 1", "* * */3 * 1",
                "30 2 1-7 * */7");
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu");
    }

    /** Minutes from 20 March 2026, around the spring and autumn changes of both hemispheres: up, down, near, far. */
    @Provide
    Arbitrary<List<Long>> offsets() {
        Arbitrary<Long> near = Arbitraries.longs().between(-60L * 24 * 3, 60L * 24 * 3);
        Arbitrary<Long> far = Arbitraries.longs().between(-60L * 24 * 400, 60L * 24 * 800);
        return Arbitraries.oneOf(near, far).list().ofMinSize(1).ofMaxSize(40);
    }
}
