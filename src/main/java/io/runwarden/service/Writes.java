package io.runwarden.service;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Writes to Kafka on behalf of a request, and waits to read its own writes back where a route promises it. */
final class Writes {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration VISIBLE_TIMEOUT = Duration.ofSeconds(10);

    private Writes() {
    }

    /** Sends and waits for the broker's acknowledgement. */
    static void send(Producer<String, byte[]> producer, String topic, String key, byte[] value, Headers headers) {
        try {
            producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while writing to Kafka");
        } catch (ExecutionException | TimeoutException e) {
            throw new Unavailable("Kafka did not accept the write: " + e.getMessage());
        }
    }

    /** Waits until a written value is visible in this instance's global store, so a GET after the PUT sees it. */
    static void awaitVisible(BooleanSupplier visible) {
        if (!visibleWithin(visible, VISIBLE_TIMEOUT)) {
            throw new Unavailable("the write was accepted but is not visible yet; read it again shortly");
        }
    }

    /** Waits at most {@code timeout} until a write can be read back. @return whether it can */
    static boolean visibleWithin(BooleanSupplier visible, Duration timeout) {
        Instant until = Instant.now().plus(timeout);
        while (!visible.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while waiting for the write");
            }
        }
        return true;
    }
}
