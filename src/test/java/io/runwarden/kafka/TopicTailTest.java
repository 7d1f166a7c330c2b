package io.runwarden.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The memory of a topic's tail, fed by hand: no broker, the reading thread never starts. */
class TopicTailTest {
    private final TopicTail<Integer> tail = new TopicTail<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"),
            "numbers", 3, Comparator.<Integer>reverseOrder(), TopicTailTest::read, "test-tail");
    private long offset;

    @AfterEach
    void close() {
        tail.close();
    }

    private static Integer read(byte[] value) {
        return Integer.valueOf(new String(value, StandardCharsets.UTF_8));
    }

    private void feed(String... values) {
        for (String value : values) {
            tail.keep(new ConsumerRecord<>("numbers", 0, offset++, "k", value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void keepsTheFirstInOrderWhateverOrderTheyCameIn() {
        feed("5", "1", "9", "7", "3");

        assertThat(tail.page(n -> true, null, 10)).containsExactly(9, 7, 5);
        feed("2");
        assertThat(tail.page(n -> true, null, 10)).as("one beyond the last kept is dropped").containsExactly(9, 7, 5);
    }

    @Test
    void aValueReadTwiceIsKeptOnceAndAnUnreadableOneIsSkipped() {
        feed("4", "oops", "4", null, "2");

        assertThat(tail.page(n -> true, null, 10)).containsExactly(4, 2);
    }

    @Test
    void aPageTakesWhatIsWantedAfterAValueUpToTheLimit() {
        TopicTail<Integer> wide = new TopicTail<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1"), "numbers",
                100, Comparator.<Integer>reverseOrder(), TopicTailTest::read, "test-wide");
        try {
            for (int i = 1; i <= 20; i++) {
                wide.keep(new ConsumerRecord<>("numbers", 0, i, "k", String.valueOf(i).getBytes(StandardCharsets.UTF_8)));
            }

            assertThat(wide.page(n -> n % 2 == 0, null, 3)).containsExactly(20, 18, 16);
            assertThat(wide.page(n -> n % 2 == 0, 16, 3)).containsExactly(14, 12, 10);
            assertThat(wide.page(n -> n % 2 == 0, 15, 2)).as("after a value it does not hold").containsExactly(14, 12);
            assertThat(wide.page(n -> true, 1, 5)).isEmpty();
        } finally {
            wide.close();
        }
    }
}
