package io.runwarden.kafka;

import io.runwarden.metrics.RunwardenMeters;
import io.runwarden.model.InvalidEventException;

import io.runwarden.model.Bounds;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Sends a record that cannot be applied to {@code script-events-dlq}, with its original key and bytes and headers
 * saying why, and lets the stream go on: no single record may silence the watchdog. An invalid event says why
 * itself; any other exception from one record's processing is a bug met by that record ({@code internal-error},
 * stack trace in the log). A state store or Kafka failure is an outage, not the record's fault, and so is a retriable
 * Kafka error that outlasted its retries (a send that timed out waiting for the broker): it fails the task, and the
 * restarted process retries the same record, losing nothing.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    public static final String REASON = "runwarden.dlq.reason";
    public static final String MESSAGE = "runwarden.dlq.message";
    public static final String SOURCE_TOPIC = "runwarden.dlq.topic";
    public static final String SOURCE_PARTITION = "runwarden.dlq.partition";
    public static final String SOURCE_OFFSET = "runwarden.dlq.offset";
    /** Present when the original value was cut to fit the dead-letter topic: its size in bytes. */
    public static final String TRUNCATED = "runwarden.dlq.truncated";
    public static final String INTERNAL_ERROR = "internal-error";
    /** Streams configuration key: the largest record {@code script-events-dlq} accepts, in bytes. */
    public static final String MAX_RECORD_BYTES = "runwarden.dlq.max.record.bytes";
    /** What Kafka adds to a record beyond its key, value and headers, with room to spare. */
    private static final int RECORD_OVERHEAD = 1_024;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private RunwardenMeters meters;
    private int maxRecordBytes;

    @Override
    public void configure(Map<String, ?> configs) {
        meters = RunwardenMeters.from(configs);
        maxRecordBytes = Integer.parseInt(String.valueOf(configs.get(MAX_RECORD_BYTES)));
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof StreamsException || exception instanceof RecordTooLargeException
                || exception instanceof RetriableException) {
            return Response.fail();
        }
        String reason;
        String message;
        if (exception instanceof InvalidEventException invalid) {
            reason = invalid.reason();
            message = invalid.getMessage();
            LOG.warn("dead-lettered {}-{}@{}: {} ({})", context.topic(), context.partition(), context.offset(),
                    Bounds.quote(message), reason);
        } else {
            reason = INTERNAL_ERROR;
            message = exception.getClass().getSimpleName() + ": " + exception.getMessage();
            LOG.error("dead-lettered {}-{}@{} after an internal error (a bug: please report it)", context.topic(),
                    context.partition(), context.offset(), exception);
        }
        meters.deadLettered(reason);
        if (record == null) {
            return Response.resume(); // a punctuation: there is no record to keep
        }
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        headers.add(REASON, utf8(reason));
        headers.add(MESSAGE, utf8(Bounds.quote(message)));
        headers.add(SOURCE_TOPIC, utf8(String.valueOf(context.topic())));
        headers.add(SOURCE_PARTITION, utf8(String.valueOf(context.partition())));
        headers.add(SOURCE_OFFSET, utf8(String.valueOf(context.offset())));
        byte[] key = context.sourceRawKey();
        byte[] value = fitting(context.sourceRawValue(), key, headers);
        return Response.resume(List.of(new ProducerRecord<>(Topics.SCRIPT_EVENTS_DLQ, null, context.timestamp(),
                key, value, headers)));
    }

    /** The value, cut when the whole record would not fit the dead-letter topic (a header then says so). */
    private byte[] fitting(byte[] value, byte[] key, RecordHeaders headers) {
        int headerBytes = Arrays.stream(headers.toArray())
                .mapToInt(h -> h.key().length() + (h.value() == null ? 0 : h.value().length) + 8).sum();
        int room = maxRecordBytes - RECORD_OVERHEAD - headerBytes - (key == null ? 0 : key.length);
        if (value == null || value.length <= room) {
            return value;
        }
        headers.add(TRUNCATED, utf8(String.valueOf(value.length)));
        return Arrays.copyOf(value, Math.max(0, room - 32));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
