package io.runwarden.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.RunStatus;
import io.runwarden.model.ScriptStats;
import io.runwarden.schedule.ScheduleState;
import io.runwarden.service.ScriptSummary;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A view built from the pieces kept by earlier renderings is the view rendered afresh, whatever changed between them. */
class DashboardViewProperties {
    private static final Instant T0 = Instant.parse("2026-12-06T03:00:00Z");

    @Property(tries = 300)
    void eachRenderingIsTheViewOfItsOwnSummaries(@ForAll @Size(max = 5) List<@Size(max = 12) List<@From("scripts") ScriptSummary>> views,
                                                 @ForAll @Size(min = 5, max = 5) List<@From("offsets") Long> offsets) {
        DashboardView view = new DashboardView();
        for (int i = 0; i < views.size(); i++) {
            List<ScriptSummary> summaries = distinctByName(views.get(i));
            Instant now = T0.plusMillis(offsets.get(i));
            JsonNode rendered = Json.read(bytes(view.render(summaries, now, ByteBuffer::allocate)), JsonNode.class);
            assertThat(rendered).isEqualTo(expected(summaries, now));
        }
    }

    @Example
    void anUnchangedScriptKeepsItsJsonAndOnlyItsAgeMoves() {
        DashboardView view = new DashboardView();
        ScriptSummary running = summary("nightly", 2, T0.minus(Duration.ofHours(5)), "said \"hi\" {} ✅ 🚀");
        ScriptSummary done = summary("backup", 0, null, "ok");

        String first = text(view.render(List.of(running, done), T0, ByteBuffer::allocate));
        // equal summaries, other objects: kept pieces are found by value, not by identity
        ScriptSummary runningAgain = summary("nightly", 2, T0.minus(Duration.ofHours(5)), "said \"hi\" {} ✅ 🚀");
        ByteBuffer direct = view.render(List.of(done, runningAgain), T0.plusSeconds(61), ByteBuffer::allocateDirect);
        String second = text(direct);

        assertThat(first).startsWith("{\"success\":true,\"data\":{\"scripts\":[{\"scriptName\":\"backup\"")
                .contains("said \\\"hi\\\" {} ✅ 🚀").contains("\"oldestInProgressAge\":\"PT5H\"}")
                .contains("\"oldestInProgressAge\":null}").endsWith("],\"generatedAt\":\"2026-12-06T03:00:00.000Z\"}}");
        assertThat(second).isEqualTo(first.replace("\"PT5H\"", "\"PT5H1M1S\"")
                .replace("2026-12-06T03:00:00.000Z\"}}", "2026-12-06T03:01:01.000Z\"}}"));
        assertThat(direct.isDirect()).isTrue();
        assertThat(direct.remaining()).as("a buffer of the view's exact size").isEqualTo(direct.capacity());
    }

    @Example
    void aScriptWhoseSummaryIsUnchangedIsNotWrittenAgain() {
        DashboardView view = new DashboardView();
        ScriptSummary done = summary("backup", 0, null, "ok");
        view.render(List.of(done), T0, ByteBuffer::allocate);
        long written = view.scriptsWritten();

        view.render(List.of(summary("backup", 0, null, "ok")), T0.plusSeconds(5), ByteBuffer::allocate);
        assertThat(view.scriptsWritten()).as("kept").isEqualTo(written);

        view.render(List.of(summary("backup", 0, null, "ok again")), T0.plusSeconds(10), ByteBuffer::allocate);
        assertThat(view.scriptsWritten()).as("written again once changed").isEqualTo(written + 1);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static String text(ByteBuffer buffer) {
        return new String(bytes(buffer), StandardCharsets.UTF_8);
    }

    /** The view as Jackson writes it from the scripts' records, each with its age. */
    private static JsonNode expected(List<ScriptSummary> summaries, Instant now) {
        ArrayNode scripts = Json.MAPPER.createArrayNode();
        summaries.stream().sorted(Comparator.comparing(summary -> summary.stats().scriptName())).forEach(summary -> {
            ObjectNode script = Json.MAPPER.valueToTree(DashboardView.DashboardScript.of(summary));
            Instant oldest = summary.stats().oldestInProgress();
            Duration age = oldest == null ? null : oldest.isAfter(now) ? Duration.ZERO
                    : Duration.between(oldest, now).truncatedTo(ChronoUnit.SECONDS);
            script.set("oldestInProgressAge", Json.MAPPER.valueToTree(age));
            scripts.add(script);
        });
        ObjectNode data = Json.MAPPER.createObjectNode();
        data.set("scripts", scripts);
        data.set("generatedAt", Json.MAPPER.valueToTree(now));
        ObjectNode envelope = Json.MAPPER.createObjectNode().put("success", true);
        envelope.set("data", data);
        return Json.read(Json.bytes(envelope), JsonNode.class); // numbers as a parser reads them: ints, not the records' longs
    }

    private static List<ScriptSummary> distinctByName(List<ScriptSummary> summaries) {
        Map<String, ScriptSummary> byName = new LinkedHashMap<>();
        summaries.forEach(summary -> byName.putIfAbsent(summary.stats().scriptName(), summary));
        return new ArrayList<>(byName.values());
    }

    private static ScriptSummary summary(String name, long inProgress, Instant oldest, String message) {
        RunRecord latest = new RunRecord(name + "-1", name, oldest == null ? RunStatus.SUCCESS : RunStatus.IN_PROGRESS,
                T0.minus(Duration.ofHours(6)), null, message, null, T0.plus(Duration.ofDays(1)), null, null, null, null);
        return new ScriptSummary(new ScriptStats(name, inProgress, 3, 1, latest, oldest, latest.startTime()), null);
    }

    @Provide
    Arbitrary<Long> offsets() {
        return Arbitraries.longs().between(0, 3_600_000);
    }

    /** Few names and few values, so that renderings one after another often meet a script unchanged, or changed a little. */
    @Provide
    Arbitrary<ScriptSummary> scripts() {
        Arbitrary<String> names = Arbitraries.of("alpha", "beta", "gamma", "é-delta", "epsilon");
        Arbitrary<Instant> instants = Arbitraries.longs().between(-7_200_000, 7_200_000).map(T0::plusMillis);
        Arbitrary<String> messages = Arbitraries.oneOf(Arbitraries.of("ok", "42 rows", "a \"quote\" } ] \\", "🚀 done\n"),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<RunRecord> runs = Combinators.combine(Arbitraries.of(RunStatus.class), instants, messages,
                        Arbitraries.of(FailureReason.class).injectNull(0.5), instants.injectNull(0.5))
                .as((status, start, message, reason, heartbeat) -> new RunRecord("run-" + start.toEpochMilli(), "any",
                        status, start, status == RunStatus.IN_PROGRESS ? null : start.plusSeconds(30), message, reason,
                        start.plus(Duration.ofDays(3)), heartbeat, null, null, null));
        Arbitrary<ScriptSummary.Expectation> expectations = Combinators.combine(Arbitraries.of("0 2 * * *", "*/5 * * * *"),
                        Arbitraries.of("UTC", "Europe/Paris"), instants.injectNull(0.2), Arbitraries.of(ScheduleState.class))
                .as(ScriptSummary.Expectation::new);
        Arbitrary<Long> counts = Arbitraries.longs().between(0, 3);
        return Combinators.combine(names, counts, counts, counts, runs.injectNull(0.2), instants.injectNull(0.4),
                        instants.injectNull(0.3), expectations.injectNull(0.6))
                .as((name, inProgress, success, failed, latest, oldest, lastStart, expectation) -> new ScriptSummary(
                        new ScriptStats(name, inProgress, success, failed, latest, oldest, lastStart), expectation));
    }
}
