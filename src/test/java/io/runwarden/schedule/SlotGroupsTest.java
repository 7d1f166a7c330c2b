package io.runwarden.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A check's slots as they travel: a run of slots of the same minute and grace written once, read back as it was. */
class SlotGroupsTest {
    private static final Instant NINE = Instant.parse("2026-12-02T09:00:00Z");
    private static final Instant TEN = Instant.parse("2026-12-02T10:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Test
    void slotsOfTheSameMinuteAndGraceAreWrittenOnceAndReadBackInOrder() {
        List<ExpectedSlot> slots = List.of(new ExpectedSlot("a", NINE, GRACE), new ExpectedSlot("b", NINE, GRACE),
                new ExpectedSlot("c", NINE, Duration.ofMinutes(5)), new ExpectedSlot("d", TEN, GRACE),
                new ExpectedSlot("e", NINE, GRACE));
        StartCheck check = new StartCheck("check-1", TEN.plusSeconds(60), slots);

        JsonNode json = Json.MAPPER.valueToTree(check);

        assertThat(json.path("slots").toString()).isEqualTo("[{\"slot\":\"2026-12-02T09:00:00.000Z\",\"grace\":\"PT30S\",\"scripts\":[\"a\",\"b\"]},"
                + "{\"slot\":\"2026-12-02T09:00:00.000Z\",\"grace\":\"PT5M\",\"scripts\":[\"c\"]},"
                + "{\"slot\":\"2026-12-02T10:00:00.000Z\",\"grace\":\"PT30S\",\"scripts\":[\"d\"]},"
                + "{\"slot\":\"2026-12-02T09:00:00.000Z\",\"grace\":\"PT30S\",\"scripts\":[\"e\"]}]");
        StartCheck read = Json.read(Json.bytes(check), StartCheck.class);
        assertThat(read).isEqualTo(check);
        assertThat(read.slots().hashCode()).as("the digest its answers carry").isEqualTo(slots.hashCode());
    }

    @Test
    void aCheckAsEarlierVersionsWroteItStillReads() {
        StartCheck read = Json.read("{\"checkId\":\"c\",\"asOf\":\"2026-12-02T10:01:00Z\",\"slots\":["
                + "{\"scriptName\":\"a\",\"slot\":\"2026-12-02T09:00:00Z\",\"grace\":\"PT30S\"},"
                + "{\"scriptName\":\"b\",\"slot\":\"2026-12-02T10:00:00Z\",\"grace\":\"PT30S\"}]}", StartCheck.class);

        assertThat(read.slots()).containsExactly(new ExpectedSlot("a", NINE, GRACE), new ExpectedSlot("b", TEN, GRACE));
    }

    @Test
    void anEmptyListStaysEmpty() {
        StartCheck done = new StartCheck("c", TEN, List.of());

        assertThat(Json.read(Json.bytes(done), StartCheck.class)).isEqualTo(done);
    }
}
