package io.runwarden.model;

import org.apache.kafka.common.header.Headers;

/** Sends a control record (a sweep's or a check's) back to {@code script-events}, from inside the topology. */
public interface ControlChannel {
    void send(String key, Object value, Headers headers, long timestamp);
}
