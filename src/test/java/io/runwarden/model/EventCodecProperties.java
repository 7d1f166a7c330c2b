package io.runwarden.model;

import com.fasterxml.jackson.databind.JsonNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one codec of script-events: what runwarden writes (exec, the HTTP routes) it reads back as it was. */
class EventCodecProperties {

    @Property(tries = 500)
    void anEventWrittenIsReadBackAsItWas(@ForAll("events") LifecycleEvent event) {
        assertThat(EventCodec.parse(event.runId(), EventCodec.bytes(event), 0)).isEqualTo(event);
    }

    @Test
    void theWrittenFormIsTheContractsEventForm() {
        LifecycleEvent event = new LifecycleEvent("run-1", "nightly", EventType.SUCCEEDED,
                Instant.parse("2026-11-30T02:00:00Z"), "done", Duration.ofHours(6), Instant.parse("2026-11-30T01:00:00Z"));
        JsonNode node = EventCodec.node(event);
        assertThat(node.toString()).isEqualTo("{\"runId\":\"run-1\",\"event\":\"succeeded\",\"scriptName\":\"nightly\","
                + "\"time\":\"2026-11-30T02:00:00.000Z\",\"message\":\"done\",\"maxRuntime\":\"PT6H\","
                + "\"startTime\":\"2026-11-30T01:00:00.000Z\"}");
        assertThat(EventCodec.FIELDS).allMatch(field -> node.has(field));
    }

    @Test
    void theOriginalStatusFormIsReadToo() {
        byte[] original = "{\"runId\":\"r\",\"scriptName\":\"s\",\"status\":-1,\"endTime\":\"2026-11-30T02:00:00Z\"}"
                .getBytes(StandardCharsets.UTF_8);
        LifecycleEvent event = EventCodec.parse("r", original, 0);
        assertThat(event.type()).isEqualTo(EventType.FAILED);
        assertThat(event.time()).isEqualTo(Instant.parse("2026-11-30T02:00:00Z"));
        assertThatThrownBy(() -> EventCodec.parse("r", "{\"status\":7}".getBytes(StandardCharsets.UTF_8), 0))
                .isInstanceOf(InvalidEventException.class).hasMessageContaining("none of 2, 0, -1");
    }

    @Provide
    Arbitrary<LifecycleEvent> events() {
        Arbitrary<String> ids = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(40);
        Arbitrary<Instant> times = Arbitraries.longs().between(0, Bounds.MAX_INSTANT.toEpochMilli()).map(Instant::ofEpochMilli);
        Arbitrary<String> messages = Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(200).injectNull(0.3);
        Arbitrary<Duration> limits = Arbitraries.longs().between(1, Duration.ofDays(3650).toSeconds())
                .map(Duration::ofSeconds).injectNull(0.5);
        Arbitrary<EventType> types = Arbitraries.of(EventType.class);
        Arbitrary<Long> runLengths = Arbitraries.longs().between(0, Duration.ofDays(30).toMillis()).injectNull(0.5);
        return Combinators.combine(ids, ids.injectNull(0.2), types, times, messages, limits, runLengths)
                .as((runId, script, type, time, message, limit, length) -> new LifecycleEvent(runId,
                        type == EventType.STARTED && script == null ? "s" : script, type, time, message, limit,
                        type.isEnd() && length != null ? Instant.ofEpochMilli(Math.max(0, time.toEpochMilli() - length)) : null));
    }
}
