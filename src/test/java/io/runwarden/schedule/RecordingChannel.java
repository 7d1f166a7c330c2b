package io.runwarden.schedule;

import io.runwarden.model.ControlChannel;
import io.runwarden.model.ControlRecord;
import org.apache.kafka.common.header.Headers;

import java.util.ArrayList;
import java.util.List;

/** The control records a check's steps send, in order, each with whether it was sent ahead of its batch's last. */
final class RecordingChannel implements ControlChannel {
    record Sent(String key, Object value, ControlRecord kind, boolean ahead) {
    }

    final List<Sent> sent = new ArrayList<>();

    @Override
    public void send(String key, Object value, Headers headers, long timestamp) {
        sent.add(new Sent(key, value, ControlRecord.known(headers).orElseThrow(), false));
    }

    @Override
    public void sendAhead(String key, Object value, Headers headers, long timestamp) {
        sent.add(new Sent(key, value, ControlRecord.known(headers).orElseThrow(), true));
    }

    /** The checks sent so far, in order. */
    List<StartCheck> checks() {
        return sent.stream().filter(s -> s.kind() == ControlRecord.START_CHECK).map(s -> (StartCheck) s.value()).toList();
    }
}
