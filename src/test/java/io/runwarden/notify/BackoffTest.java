package io.runwarden.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private static final Instant FIRST = Instant.parse("2026-11-28T02:00:00Z");

    @Test
    void waitsDoubleFromOneSecondUpToTenMinutes() {
        assertThat(Backoff.next(FIRST, 1, null, FIRST)).contains(FIRST.plusSeconds(1));
        assertThat(Backoff.next(FIRST, 2, null, FIRST)).contains(FIRST.plusSeconds(2));
        assertThat(Backoff.next(FIRST, 5, null, FIRST)).contains(FIRST.plusSeconds(16));
        assertThat(Backoff.next(FIRST, 11, null, FIRST)).contains(FIRST.plus(Backoff.LONGEST));
        assertThat(Backoff.next(FIRST, 1_000, null, FIRST)).contains(FIRST.plus(Backoff.LONGEST));
    }

    @Test
    void aLongerRetryAfterIsHonouredUpToAnHour() {
        assertThat(Backoff.next(FIRST, 1, Duration.ofSeconds(30), FIRST)).contains(FIRST.plusSeconds(30));
        assertThat(Backoff.next(FIRST, 1, Duration.ofDays(2), FIRST)).contains(FIRST.plus(Backoff.LONGEST_ASKED));
        assertThat(Backoff.next(FIRST, 5, Duration.ofSeconds(1), FIRST)).as("a shorter one is not").contains(FIRST.plusSeconds(16));
    }

    @Test
    void givesUpTwentyFourHoursAfterTheFirstAttemptAndNeverWaitsPastThat() {
        Instant late = FIRST.plus(Backoff.GIVE_UP_AFTER).minusSeconds(5);
        assertThat(Backoff.next(FIRST, 200, null, late)).contains(FIRST.plus(Backoff.GIVE_UP_AFTER));
        assertThat(Backoff.next(FIRST, 201, null, FIRST.plus(Backoff.GIVE_UP_AFTER))).isEmpty();
    }
}
