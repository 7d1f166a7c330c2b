package io.runwarden.stream;

import io.runwarden.kafka.Topics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Sends an event that cannot be applied to {@code script-events-dlq}, with its original key and bytes and
 * headers saying why, and lets the stream go on. Any other exception is a bug or an outage: the task fails
 * rather than dead-letter good events.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    public static final String REASON = "runwarden.dlq.reason";
    public static final String MESSAGE = "runwarden.dlq.message";
    public static final String SOURCE_TOPIC = "runwarden.dlq.topic";
    public static final String SOURCE_PARTITION = "runwarden.dlq.partition";
    public static final String SOURCE_OFFSET = "runwarden.dlq.offset";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private RunwardenMeters meters;

    @Override
    public void configure(Map<String, ?> configs) {
        meters = RunwardenMeters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!(exception instanceof InvalidEventException invalid)) {
            return Response.fail();
        }
        LOG.warn("dead-lettered {}-{}@{}: {} ({})", context.topic(), context.partition(), context.offset(),
                invalid.getMessage(), invalid.reason());
        meters.deadLettered(invalid.reason());
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        headers.add(REASON, utf8(invalid.reason()));
        headers.add(MESSAGE, utf8(invalid.getMessage()));
        headers.add(SOURCE_TOPIC, utf8(String.valueOf(context.topic())));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(context.partition())));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(context.offset())));
        return Response.resume(List.of(new ProducerRecord<>(Topics.SCRIPT_EVENTS_DLQ, null, context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), headers)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
