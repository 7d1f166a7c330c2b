package io.runwarden.model;

import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** A policy read again from the same bytes is the one read before; a policy written anew is read as written. */
class RereadSerdeTest {
    private final Deserializer<ScriptPolicy> reader = Json.rereadSerde(ScriptPolicy.class, 2).deserializer();

    @Test
    void theSameBytesGiveTheValueReadBeforeAndOtherBytesTheirOwn() {
        ScriptPolicy daily = policy("backup", "0 2 * * *");
        byte[] bytes = Json.bytes(daily);

        ScriptPolicy first = reader.deserialize("t", bytes);
        ScriptPolicy again = reader.deserialize("t", bytes.clone());

        assertThat(first).isEqualTo(daily);
        assertThat(again).isSameAs(first);
        assertThat(reader.deserialize("t", Json.bytes(policy("backup", "0 3 * * *"))).schedule())
                .as("the policy written anew").isEqualTo("0 3 * * *");
        assertThat(reader.deserialize("t", null)).isNull();
    }

    @Test
    void theBytesItWasGivenMayChangeAfterwardsAndBeyondItsBoundEveryValueIsStillReadRight() {
        byte[] bytes = Json.bytes(policy("a", "0 2 * * *"));
        ScriptPolicy read = reader.deserialize("t", bytes);
        byte[] other = Json.bytes(policy("a", "0 4 * * *"));
        System.arraycopy(other, 0, bytes, 0, Math.min(other.length, bytes.length)); // a caller reusing its buffer

        for (int i = 0; i < 5; i++) {
            assertThat(reader.deserialize("t", Json.bytes(policy("s" + i, "0 " + i + " * * *"))).scriptName())
                    .isEqualTo("s" + i);
        }
        assertThat(reader.deserialize("t", Json.bytes(policy("a", "0 2 * * *")))).isEqualTo(read);
    }

    private static ScriptPolicy policy(String script, String schedule) {
        return new ScriptPolicy(script, Duration.ofHours(1), schedule, "UTC", Duration.ofMinutes(5), false, null);
    }
}
