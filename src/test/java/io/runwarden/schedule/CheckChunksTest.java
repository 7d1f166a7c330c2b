package io.runwarden.schedule;

import io.runwarden.model.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** A tick's slots cut into checks: each check's JSON within its bound, every slot in exactly one, in order. */
class CheckChunksTest {
    private static final Instant T = Instant.parse("2026-11-28T12:00:00Z");
    /** A check's id and asOf besides its slots. */
    private static final int CHECK_BYTES = 256;

    @Test
    void longEmojiNamesAreCutByBytesAndShortNamesBySlots() {
        List<ExpectedSlot> due = new ArrayList<>();
        for (int minute = 0; minute < 5; minute++) {
            for (int i = 0; i < 400; i++) {
                due.add(new ExpectedSlot("\uD83D\uDE00".repeat(253) + String.format("%03d", i), T.plusSeconds(60L * minute),
                        Duration.ofMinutes(1)));
            }
        }
        for (int i = 0; i < 2_500; i++) {
            // a group of its own each: a slot and a grace of its own
            due.add(new ExpectedSlot("s" + i, T.plusSeconds(3_600 + i), Duration.ofSeconds(1 + i % 7)));
        }
        for (int i = 0; i < StartChecks.SLOTS_PER_CHECK + 2_000; i++) {
            // short names that share a slot and a grace: a few bytes each
            due.add(new ExpectedSlot("t" + i, T.plusSeconds(7_200), Duration.ofMinutes(1)));
        }

        List<List<ExpectedSlot>> chunks = CheckChunks.of(due);

        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk).isNotEmpty().hasSizeLessThanOrEqualTo(StartChecks.SLOTS_PER_CHECK);
            assertThat(Json.bytes(new StartCheck("check-20261128T120000Z-0123abcd-99", T, chunk)).length)
                    .isLessThanOrEqualTo(CheckChunks.MAX_BYTES + CHECK_BYTES);
        });
        assertThat(chunks.stream().flatMap(List::stream).toList()).as("every slot once, in order").isEqualTo(due);
        assertThat(chunks.get(0)).as("1 KB a name: cut by bytes").hasSizeBetween(250, 260);
        assertThat(chunks).as("short names: cut by slots").anySatisfy(chunk -> assertThat(chunk).hasSize(StartChecks.SLOTS_PER_CHECK));
    }

    /**
     * A check's home keeps it, and each partition's answer, in a changelogged record of its own, and a partition may
     * keep every slot (a script started often has a run on each): each record stays far below Kafka's 1 MB whatever
     * the partitions, so a check holds as many slots with 60 partitions as with 6.
     */
    @Test
    void aChecksHomeKeepsItAndEachAnswerWithinWhatKafkaTakes() {
        int slots = StartChecks.SLOTS_PER_CHECK;
        // as long as the names may be for the check to stay within the 512 KB a partition reads
        String name = "n".repeat(512 * 1024 / slots - 16);
        List<ExpectedSlot> due = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            due.add(new ExpectedSlot(name + String.format("%05d", i), T, Duration.ofMinutes(1)));
        }
        StartCheck check = new StartCheck("check-20261128T120000Z-0123abcd-0", T.plus(Duration.ofMinutes(2)), due);
        assertThat(Json.bytes(new StartCheckProgress(check, Map.of(), false, T)).length).isLessThanOrEqualTo(512 * 1024 + 200);
        List<Integer> all = IntStream.range(0, slots).boxed().toList();
        StartCheckPart every = new StartCheckPart(check.checkId(), 59, all, due.hashCode());
        assertThat(Json.bytes(new StartCheckProgress(null, Map.of(59, every), false, T)).length).isLessThan(100_000);
    }

    @Test
    void aNamesBytesAreCountedAsItsJsonWritesThem() {
        for (String name : List.of("backup", "nightly report", "quote\"d", "back\\slash", "tab\there", "é", "\uD83D\uDE00",
                "", "\u007f", "a/b")) {
            assertThat(CheckChunks.jsonBytes(name)).as(name).isEqualTo(Json.bytes(name).length);
        }
    }
}
