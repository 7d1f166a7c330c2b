package io.runwarden.kafka;

import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.InvalidEventException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the handler answers for each kind of failure. The topology has no bug left to trip it with, so a bug is
 * thrown at the handler directly, with a record as Kafka Streams hands it over.
 */
class DeadLetterHandlerTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DeadLetterHandler handler = new DeadLetterHandler();

    DeadLetterHandlerTest() {
        handler.configure(Map.of(RunwardenMeters.CONFIG, new RunwardenMeters(registry),
                DeadLetterHandler.MAX_RECORD_BYTES, "4096"));
    }

    @Test
    void aBugMetByOneRecordDeadLettersItAsInternalErrorAndTheStreamGoesOn() {
        Response response = handler.handleError(context("r1".getBytes(StandardCharsets.UTF_8), utf8("{\"event\":\"started\"}")),
                new Record<>("r1", utf8("{}"), 0L), new NullPointerException("something was null\nforged line"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        ProducerRecord<byte[], byte[]> dead = single(response);
        assertThat(dead.topic()).isEqualTo(Topics.SCRIPT_EVENTS_DLQ);
        assertThat(dead.value()).isEqualTo(utf8("{\"event\":\"started\"}"));
        assertThat(header(dead.headers(), DeadLetterHandler.REASON)).isEqualTo("internal-error");
        assertThat(header(dead.headers(), DeadLetterHandler.MESSAGE)).contains("NullPointerException").doesNotContain("\n");
        assertThat(registry.get(RunwardenMeters.DEAD_LETTERS).tag("reason", "internal-error").counter().count()).isEqualTo(1);
    }

    @Test
    void anOutageFailsTheTaskSoThatARestartRetriesTheRecord() {
        for (Exception outage : List.of(new ProcessorStateException("disk full"), new RecordTooLargeException("too large"),
                new TimeoutException("Topic script-runs not present in metadata after 60000 ms."))) {
            Response response = handler.handleError(context(utf8("r1"), utf8("{}")), new Record<>("r1", utf8("{}"), 0L), outage);

            assertThat(response.result()).isEqualTo(Result.FAIL);
        }
    }

    @Test
    void aDeadLetterThatWouldNotFitHasItsValueCutAndSaysSo() {
        byte[] huge = new byte[10_000];
        Response response = handler.handleError(context(utf8("r1"), huge), new Record<>("r1", huge, 0L),
                new InvalidEventException("not-json", "the value is not JSON"));

        ProducerRecord<byte[], byte[]> dead = single(response);
        assertThat(dead.value().length).isLessThan(4096);
        assertThat(header(dead.headers(), DeadLetterHandler.TRUNCATED)).isEqualTo("10000");
        assertThat(header(dead.headers(), DeadLetterHandler.REASON)).isEqualTo("not-json");
    }

    @Test
    void aFailedPunctuationHasNoRecordToKeepAndTheStreamGoesOn() {
        Response response = handler.handleError(context(null, null), null, new IllegalStateException("a punctuator failed"));

        assertThat(response.result()).isEqualTo(Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    private static ProducerRecord<byte[], byte[]> single(Response response) {
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        return response.deadLetterQueueRecords().get(0);
    }

    private static ErrorHandlerContext context(byte[] key, byte[] value) {
        return new ErrorHandlerContext() {
            @Override public String topic() { return Topics.SCRIPT_EVENTS; }
            @Override public int partition() { return 3; }
            @Override public long offset() { return 42; }
            @Override public Headers headers() { return new RecordHeaders(); }
            @Override public String processorNodeId() { return "script-event-processor"; }
            @Override public TaskId taskId() { return new TaskId(0, 3); }
            @Override public long timestamp() { return 0; }
            @Override public byte[] sourceRawKey() { return key; }
            @Override public byte[] sourceRawValue() { return value; }
        };
    }

    private static String header(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
