package io.runwarden;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureMessageTest {
    @Test
    void aWrappedReasonIsNamedAfterItsWrapper() {
        KafkaException failure = new KafkaException("Failed to create new KafkaAdminClient",
                new ConfigException("metric.reporters", "com.example.Nope", "Class com.example.Nope could not be found."));

        assertThat(FailureMessage.of(failure)).isEqualTo("Failed to create new KafkaAdminClient: Invalid value "
                + "com.example.Nope for configuration metric.reporters: Class com.example.Nope could not be found.");
    }

    @Test
    void aMessageRepeatedByItsWrapperIsSaidOnce() {
        IllegalStateException cause = new IllegalStateException("data dir /d is in use");

        assertThat(FailureMessage.of(new RuntimeException(cause))).isEqualTo("java.lang.IllegalStateException: data dir /d is in use");
        assertThat(FailureMessage.of(cause)).isEqualTo("data dir /d is in use");
        assertThat(FailureMessage.of(new RuntimeException((String) null))).isEqualTo("RuntimeException");
        assertThat(FailureMessage.of(new RuntimeException("", cause))).isEqualTo("RuntimeException: data dir /d is in use");
    }

    @Test
    void aChainThatLoopsBackEndsAndALineBreakStaysOnTheLine() {
        Exception first = new Exception("first");
        first.initCause(new Exception("second\nINFO forged line", first));

        assertThat(FailureMessage.of(first)).isEqualTo("first: second INFO forged line");
    }
}
