package io.runwarden.schedule;

import io.runwarden.model.InvalidFieldException;
import io.runwarden.model.ScriptPolicy;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A policy is checked when it is set, and again each time an instance reads it back: the same answer, years later. */
class PolicyRulesTest {
    private static final Instant SET = Instant.parse("2027-03-01T10:00:00Z");
    private static final Instant YEARS_LATER = Instant.parse("2029-03-01T10:00:00Z");

    @Test
    void aLeapDayScheduleAcceptedWhenSetIsStillAcceptedYearsLater() {
        ScriptPolicy leapDay = new ScriptPolicy("leap", null, "0 0 29 2 *", "UTC", null, false, SET);

        assertThat(PolicyRules.checked("leap", leapDay, SET)).isEqualTo(leapDay);
        assertThat(PolicyRules.checked("leap", leapDay, YEARS_LATER)).as("read back after 2028-02-29").isEqualTo(leapDay);
    }

    @Test
    void aScheduleIsCheckedFromNowWhenTheRecordSaysNotWhenItWasSetAndOneThatNeverFiresIsRefusedEither() {
        assertThatThrownBy(() -> PolicyRules.checked("leap", new ScriptPolicy("leap", null, "0 0 29 2 *", "UTC", null, false, null),
                YEARS_LATER)).isInstanceOf(InvalidFieldException.class).hasMessageContaining("does not fire within the next 366 days");
        assertThatThrownBy(() -> PolicyRules.checked("never", new ScriptPolicy("never", null, "0 0 30 2 *", "UTC", null, false, SET),
                YEARS_LATER)).isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void aLeapDayScheduleSetAtTheLastInstantIsCountedFromThereToTheLeapYear10000() {
        ScriptPolicy last = new ScriptPolicy("leap", null, "0 0 29 2 *", "UTC", null, false, Instant.parse("9999-12-31T23:59:59Z"));

        assertThat(PolicyRules.checked("leap", last, YEARS_LATER)).isEqualTo(last);
    }
}
