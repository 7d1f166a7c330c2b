package io.runwarden.stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.alerts.BatchDone;
import io.runwarden.model.Bounds;
import io.runwarden.model.ControlRecord;
import io.runwarden.model.Json;
import io.runwarden.schedule.StartChecks;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Generators of hostile records for every input topic of runwarden (DESIGN, "Bounds on every input"): extreme and
 * malformed instants and durations, huge and empty keys and values, control characters, lone surrogates, deep
 * nesting, wrong types, never-firing and pathological cron expressions. Each generated part says whether the
 * contract makes the whole record bad ({@link Verdict#BAD}), good, or leaves it open ({@link Verdict#EITHER}: kept
 * within bounds or dead-lettered), and which dead-letter reasons fit it when it is the only fault.
 */
public final class HostileInputs {
    /** 600 KB: under the 1 MB a producer may send, far over what any field of runwarden may hold. */
    public static final int HUGE = 600_000;
    /** A record a producer with default settings can still send (message.max.bytes 1048588 less the batch overhead). */
    public static final int MAX_INPUT_BYTES = 1_000_000;

    public enum Verdict { GOOD, EITHER, BAD }

    /** A JSON value as text (null: the field is left out), what it makes of the record, the reasons that fit. */
    public record Part(String label, String json, Verdict verdict, Set<String> reasons, String longText) {
        static Part good(String label, String json) {
            return new Part(label, json, Verdict.GOOD, Set.of(), null);
        }

        static Part either(String label, String json) {
            return new Part(label, json, Verdict.EITHER, Set.of(), null);
        }

        static Part bad(String label, String json, String... reasons) {
            return new Part(label, json, Verdict.BAD, Set.of(reasons), null);
        }

        Part quoting(String text) {
            return new Part(label, json, verdict, reasons, text);
        }

        Part as(Verdict other) {
            return new Part(label, json, other, reasons, longText);
        }
    }

    /**
     * A record for one topic. {@code verdict} BAD: the contract makes it a dead letter (script-events) or a skipped
     * record (global topics); {@code reasons}: the reasons that fit when it has exactly one fault (empty: any);
     * {@code longTexts}: values longer than 256 characters, of which no header may quote more than 256.
     */
    public record Hostile(String label, byte[] key, byte[] value, List<Header> headers, Verdict verdict,
                          Set<String> reasons, List<String> longTexts) {
        public int size() {
            return (key == null ? 0 : key.length) + (value == null ? 0 : value.length)
                    + headers.stream().mapToInt(h -> h.key().length() + (h.value() == null ? 0 : h.value().length)).sum();
        }

        public String keyText() {
            return key == null ? null : new String(key, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return label + " [" + verdict + (reasons.isEmpty() ? "" : " " + reasons) + ", " + size() + " bytes]";
        }
    }

    private HostileInputs() {
    }

    // ---- building blocks -------------------------------------------------------------------------------------

    static String str(String raw) {
        StringBuilder out = new StringBuilder(raw.length() + 2).append('"');
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                // escaped: a lone surrogate reaches the parser as a lone surrogate, not as the encoder's '?'
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String huge(char c) {
        return String.valueOf(c).repeat(HUGE);
    }

    /** Mostly the good parts, a fault in a sixth of the draws: a record with one fault says the most. */
    static Arbitrary<Part> leaning(Part... parts) {
        return leaning(5, parts);
    }

    /** The good parts {@code goodWeight} times as often as the others: for records of many parts, most with no fault. */
    static Arbitrary<Part> leaning(int goodWeight, Part... parts) {
        List<Part> good = Arrays.stream(parts).filter(p -> p.verdict() == Verdict.GOOD).toList();
        List<Part> other = Arrays.stream(parts).filter(p -> p.verdict() != Verdict.GOOD).toList();
        return Arbitraries.frequencyOf(Tuple.of(goodWeight, Arbitraries.of(good)), Tuple.of(1, Arbitraries.of(other)));
    }

    private static final String LONG_257 = "L".repeat(257);
    private static final String HUGE_NAME = huge('n');

    /** Ids as the key or scriptName: good ones, and every way to break 1..256 chars, no control, no lone surrogate. */
    static Arbitrary<Part> ids(String badReason, String... moreReasons) {
        String[] reasons = concat(badReason, moreReasons);
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.:@").ofMinLength(1).ofMaxLength(40)
                        .map(s -> Part.good("plain id", s)),
                Arbitraries.of(
                        Part.good("256 chars", "i".repeat(256)),
                        Part.good("surrogate pair", "backup-\uD83D\uDCBE"),
                        Part.good("cjk", "名前-スクリプト"),
                        Part.either("bidi override", "ab\u202Ecd"),
                        Part.either("zero width", "a\u200Bb"),
                        Part.bad("empty", "", reasons),
                        Part.bad("blank", "   ", reasons),
                        Part.bad("257 chars", LONG_257, reasons).quoting(LONG_257),
                        Part.bad("600 KB", HUGE_NAME, reasons).quoting(HUGE_NAME),
                        Part.bad("NUL", "a\u0000b", reasons),
                        Part.bad("bell", "run\u0007", reasons),
                        Part.bad("escape", "\u001b[31mred", reasons),
                        Part.bad("newline", "forged\nline", reasons),
                        Part.bad("DEL", "a\u007fb", reasons),
                        Part.bad("C1 control", "a\u0085b", reasons),
                        Part.bad("lone high surrogate", "x\uD800", reasons),
                        Part.bad("lone low surrogate", "\uDC00x", reasons),
                        Part.bad("reversed pair", "\uDCBE\uD83D", reasons)));
    }

    /** Instants as written in events: bounds, beyond the bounds, overflow, garbage and wrong types. */
    static Arbitrary<Part> instants(String... reasons) {
        String[] wrongType = concat("wrong-type", reasons);
        return Arbitraries.of(
                Part.good("recent", str("2026-11-28T11:00:00Z")),
                Part.good("millis", str("2026-11-28T11:00:00.123Z")),
                Part.good("offset", str("2026-11-28T12:00:00+14:00")),
                Part.good("epoch", str("1970-01-01T00:00:00Z")),
                Part.good("max instant", str("9999-12-31T23:59:59Z")),
                Part.good("epoch ms", "1795000000000"),
                Part.good("max epoch ms", "253402300799000"),
                Part.good("zero ms", "0"),
                Part.bad("year 300000000", str("+300000000-01-01T00:00:00Z"), reasons),
                Part.bad("year 10000", str("+10000-01-01T00:00:00Z"), reasons),
                Part.bad("year -1", str("-0001-01-01T00:00:00Z"), reasons),
                Part.bad("before epoch", str("1969-12-31T23:59:59.999Z"), reasons),
                Part.bad("max+1 ms", "253402300799001", reasons),
                Part.bad("Long.MAX ms", String.valueOf(Long.MAX_VALUE), reasons),
                Part.bad("Long.MIN ms", String.valueOf(Long.MIN_VALUE), reasons),
                Part.bad("-1 ms", "-1", reasons),
                Part.bad("Long.MAX ms as text", str(String.valueOf(Long.MAX_VALUE)), reasons),
                Part.bad("bigint", "123456789012345678901234567890", wrongType),
                Part.bad("1e300", "1e300", wrongType),
                Part.bad("fraction", "1795000000000.5", wrongType),
                Part.bad("empty", str(""), reasons),
                Part.bad("words", str("yesterday"), reasons),
                Part.bad("Feb 30", str("2026-02-30T00:00:00Z"), reasons),
                Part.bad("hour 25", str("2026-11-28T25:00:00Z"), reasons),
                Part.bad("offset +25", str("2026-11-28T12:00:00+25:00"), reasons),
                Part.bad("NUL", str("2026-11-28T11:00:00Z\u0000"), reasons),
                Part.bad("duration", str("P3D"), reasons),
                Part.bad("600 KB", str("2" + huge('0')), reasons).quoting("2" + huge('0')),
                Part.bad("true", "true", wrongType),
                Part.bad("object", "{\"epochSecond\":1}", wrongType),
                Part.bad("array", "[2026,11,28]", wrongType));
    }

    /** Durations: PT1S..P3650D, beyond them, overflow, garbage and wrong types. */
    static Arbitrary<Part> durations(String... reasons) {
        return Arbitraries.of(durationParts(reasons));
    }

    private static Part[] durationParts(String... reasons) {
        String[] wrongType = concat("wrong-type", reasons);
        return new Part[]{
                Part.good("PT1S", str("PT1S")),
                Part.good("PT6H", str("PT6H")),
                Part.good("P3650D", str("P3650D")),
                Part.bad("PT0S", str("PT0S"), reasons),
                Part.bad("PT0.999S", str("PT0.999S"), reasons),
                Part.bad("negative", str("-PT1H"), reasons),
                Part.bad("P3651D", str("P3651D"), reasons),
                Part.bad("Long.MAX seconds", str("PT9223372036854775807S"), reasons),
                Part.bad("Long.MAX+1 seconds", str("PT9223372036854775808S"), reasons),
                Part.bad("max days", str("P106751991167300D"), reasons),
                Part.bad("empty", str(""), reasons),
                Part.bad("words", str("forever"), reasons),
                Part.bad("NUL", str("PT1H\u0000"), reasons),
                Part.bad("600 KB", str("P" + huge('9') + "D"), reasons).quoting("P" + huge('9') + "D"),
                Part.bad("number", "3600", wrongType),
                Part.bad("true", "true", wrongType),
                Part.bad("object", "{\"seconds\":1}", wrongType),
                Part.bad("array", "[1]", wrongType)};
    }

    // ---- script-events: lifecycle events ---------------------------------------------------------------------

    private static final String[] KEY_REASONS = {"bad-run-id", "missing-key"};
    private static final String[] NAME_REASONS = {"bad-script-name", "missing-script-name"};

    /** A key as raw bytes: the ids above, no key at all, and bytes that are not UTF-8. */
    static Arbitrary<Part> keys() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, ids("bad-run-id", "missing-key").map(p -> p.label().equals("plain id")
                        ? Part.good(p.label(), p.json() + "-" + UUID.randomUUID())
                        // a lone surrogate cannot be written as UTF-8: the encoder writes '?', a valid character
                        : p.json().chars().anyMatch(c -> Character.isSurrogate((char) c)) && !p.label().equals("surrogate pair")
                        ? p.as(Verdict.EITHER) : p)),
                Tuple.of(1, Arbitraries.of(
                        Part.bad("no key", null, KEY_REASONS),
                        // not UTF-8: the key deserializer makes U+FFFD of it, a valid character
                        Part.either("invalid UTF-8", "\uFFFF-bytes:ff fe 00"),
                        Part.either("CESU lone surrogate", "\uFFFF-bytes:ed a0 80"))));
    }

    /** A name as a record key: one with a lone surrogate arrives as '?' (UTF-8 cannot carry it), a valid name. */
    static Part asKey(Part name) {
        return name.json() != null && !name.label().equals("surrogate pair")
                && name.json().chars().anyMatch(c -> Character.isSurrogate((char) c)) ? name.as(Verdict.EITHER) : name;
    }

    static byte[] keyBytes(Part key) {
        if (key.json() == null) {
            return null;
        }
        if (key.json().startsWith("\uFFFF-bytes:")) {
            String[] hex = key.json().substring("\uFFFF-bytes:".length()).split(" ");
            byte[] raw = new byte[hex.length + 4];
            System.arraycopy("run-".getBytes(StandardCharsets.US_ASCII), 0, raw, 0, 4);
            for (int i = 0; i < hex.length; i++) {
                raw[4 + i] = (byte) Integer.parseInt(hex[i], 16);
            }
            return raw;
        }
        // a lone surrogate cannot be written as UTF-8: the encoder writes '?', so such a key arrives as valid text
        return key.json().getBytes(StandardCharsets.UTF_8);
    }

    /** A lifecycle event on script-events with hostile fields, or a value that is no event at all. */
    public static Arbitrary<Hostile> lifecycleEvents() {
        Arbitrary<Hostile> objects = Combinators.combine(keys(), eventForms(), runIdFields(), ids("bad-script-name",
                        "missing-script-name").injectNull(0.1), instants("bad-time").injectNull(0.2),
                durations("bad-max-runtime").injectNull(0.4), messages(), extras())
                .as(HostileInputs::event);
        return Arbitraries.frequencyOf(Tuple.of(8, objects), Tuple.of(2, Combinators.combine(keys(), notEvents())
                        .as((key, value) -> combineWhole(key, value))))
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    private static Arbitrary<Part> eventForms() {
        return Arbitraries.oneOf(
                Arbitraries.of("started", "heartbeat", "succeeded", "failed")
                        .map(e -> Part.good(e, "\"event\":" + str(e))),
                Arbitraries.of(
                        Part.good("status 2", "\"status\":2"),
                        Part.good("status 0", "\"status\":0"),
                        Part.good("status -1", "\"status\":-1"),
                        Part.bad("event paused", "\"event\":\"paused\"", "unknown-event"),
                        Part.bad("event empty", "\"event\":\"\"", "unknown-event", "missing-event"),
                        Part.bad("event NUL", "\"event\":" + str("started\u0000"), "unknown-event"),
                        Part.bad("event 600 KB", "\"event\":" + str(huge('e')), "unknown-event").quoting(huge('e')),
                        Part.bad("event number", "\"event\":42", "wrong-type"),
                        Part.bad("event array", "\"event\":[\"started\"]", "wrong-type"),
                        Part.bad("status 7", "\"status\":7", "unknown-status"),
                        Part.bad("status 1e999", "\"status\":1e999", "wrong-type", "unknown-status"),
                        Part.bad("status text", "\"status\":\"2\"", "wrong-type", "unknown-status"),
                        Part.bad("status 2.5", "\"status\":2.5", "wrong-type", "unknown-status"),
                        Part.bad("status Long.MAX+1", "\"status\":9223372036854775808", "wrong-type", "unknown-status"),
                        Part.bad("no event", null, "missing-event")));
    }

    /** The runId field: left out, the key again, another id, a wrong type; "=KEY" is replaced by the key. */
    private static Arbitrary<Part> runIdFields() {
        return Arbitraries.of(
                Part.good("no runId", null),
                Part.good("runId = key", "=KEY"),
                Part.bad("runId other", str("someone-else"), "key-mismatch", "bad-run-id"),
                Part.bad("runId 600 KB", str(HUGE_NAME), "key-mismatch", "bad-run-id").quoting(HUGE_NAME),
                Part.bad("runId number", "42", "wrong-type", "key-mismatch", "bad-run-id"));
    }

    private static Arbitrary<Part> messages() {
        String hugeMessage = huge('m');
        return Arbitraries.of(
                Part.good("no message", null),
                Part.good("message", str("all good")),
                Part.good("message 600 KB", str(hugeMessage)),
                Part.good("message controls", str("line1\nline2\u0000\u001b[2J\r")),
                Part.good("message lone surrogate", str("half \uD83D pair")),
                Part.bad("message number", "42", "wrong-type"),
                Part.bad("message object", "{\"text\":\"x\"}", "wrong-type"));
    }

    /** An unknown extra field: harmless, or so deeply nested that a parser must refuse it without a stack overflow. */
    private static Arbitrary<Part> extras() {
        return Arbitraries.of(
                Part.good("no extra", null),
                Part.good("extra nested 50", nested(50)),
                Part.either("extra nested 5000", nested(5_000)),
                Part.either("extra nested 200000", nested(200_000)),
                Part.either("extra huge number", "1" + "0".repeat(100_000)),
                Part.either("extra 1e99999999", "1e99999999"));
    }

    private static Hostile event(Part key, Part form, Part runId, Part name, Part time, Part maxRuntime, Part message,
                                 Part extra) {
        boolean started = form.label().equals("started") || form.label().equals("status 2");
        if (name == null) {
            name = started ? Part.bad("no scriptName on a start", null, NAME_REASONS) : Part.good("no scriptName", null);
        }
        if (time == null) {
            time = Part.good("no time", null);
        }
        if (maxRuntime == null) {
            maxRuntime = Part.good("no maxRuntime", null);
        } else if (!started && maxRuntime.verdict() == Verdict.BAD) {
            maxRuntime = maxRuntime.as(Verdict.EITHER); // only a start uses it
        }
        String keyText = key.json();
        if ("=KEY".equals(runId.json())) {
            runId = keyText == null || keyText.startsWith("\uFFFF") ? Part.either("runId = undecodable key", str("run-?"))
                    : Part.good("runId = key", str(keyText));
        }
        StringBuilder json = new StringBuilder("{");
        List<String> fields = new ArrayList<>();
        if (form.json() != null) {
            fields.add(form.json());
        }
        addField(fields, "runId", runId);
        addField(fields, "scriptName", name.json() == null ? null : str(name.json()));
        addField(fields, "time", time);
        addField(fields, "maxRuntime", maxRuntime);
        addField(fields, "message", message);
        addField(fields, "extra", extra);
        json.append(String.join(",", fields)).append('}');
        Part nameAsField = new Part("scriptName " + name.label(), null, name.verdict(), name.reasons(), name.longText());
        List<Part> parts = List.of(key, form, runId, nameAsField, time, maxRuntime, message, extra);
        return combine(String.join(", ", parts.stream().map(p -> p.label()).toList()), keyBytes(key),
                json.toString().getBytes(StandardCharsets.UTF_8), List.of(), parts, "key " + key.label());
    }

    private static void addField(List<String> fields, String name, Part part) {
        addField(fields, name, part.json());
    }

    private static void addField(List<String> fields, String name, String json) {
        if (json != null) {
            fields.add(str(name) + ":" + json);
        }
    }

    /** Values that are no event object at all. */
    private static Arbitrary<Part> notEvents() {
        byte[] cesu = "{\"event\":\"started\",\"scriptName\":\"a\u0000\"}".getBytes(StandardCharsets.UTF_8);
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(64)
                        .map(b -> new Part("random bytes", "\uFFFF" + hex(b), Verdict.EITHER, Set.of(), null)),
                Arbitraries.of(
                        Part.bad("null value", null, "null-value", "not-json"),
                        Part.bad("empty bytes", "", "not-json", "null-value", "not-an-object"),
                        Part.bad("json null", "null", "not-an-object", "not-json", "null-value"),
                        Part.bad("json array", "[{\"event\":\"started\"}]", "not-an-object", "wrong-type"),
                        Part.bad("json string", str("started"), "not-an-object", "wrong-type"),
                        Part.bad("json number", "123", "not-an-object", "wrong-type"),
                        Part.bad("truncated", "{\"event\":\"started\",\"scriptName\":\"s", "not-json"),
                        Part.bad("raw NUL in string", "{\"event\":\"started\",\"scriptName\":\"a\u0000b\"}", "not-json"),
                        Part.bad("600 KB of [", "[".repeat(HUGE), "not-json"),
                        Part.bad("600 KB of {\"a\":", "{\"a\":".repeat(HUGE / 5), "not-json"),
                        Part.bad("xml", "<event>started</event>", "not-json"),
                        Part.either("trailing garbage", "{\"event\":\"started\",\"scriptName\":\"s\"} trailing"),
                        Part.either("duplicate fields", "{\"event\":\"started\",\"event\":\"failed\",\"scriptName\":\"s\"}"),
                        Part.either("byte order mark", "\uFEFF{\"event\":\"started\",\"scriptName\":\"s\"}"),
                        Part.bad("CESU surrogate", "\uFFFF" + hex(cesuSurrogate()), "not-json", "bad-script-name"),
                        Part.either("UTF-16", "\uFFFE{\"event\":\"started\",\"scriptName\":\"s\"}")));
    }

    private static byte[] cesuSurrogate() {
        byte[] head = "{\"event\":\"started\",\"scriptName\":\"a".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\"}".getBytes(StandardCharsets.US_ASCII);
        byte[] raw = Arrays.copyOf(head, head.length + 3 + tail.length);
        raw[head.length] = (byte) 0xed;
        raw[head.length + 1] = (byte) 0xa0;
        raw[head.length + 2] = (byte) 0x80;
        System.arraycopy(tail, 0, raw, head.length + 3, tail.length);
        return raw;
    }

    private static Hostile combineWhole(Part key, Part value) {
        byte[] bytes;
        if (value.json() == null) {
            bytes = null;
        } else if (value.json().startsWith("\uFFFF")) {
            bytes = unhex(value.json().substring(1));
        } else if (value.json().startsWith("\uFFFE")) {
            bytes = value.json().substring(1).getBytes(StandardCharsets.UTF_16);
        } else {
            bytes = value.json().getBytes(StandardCharsets.UTF_8);
        }
        return combine(key.label() + ", " + value.label(), keyBytes(key), bytes, List.of(), List.of(key, value),
                "key " + key.label());
    }

    private static Hostile combine(String label, byte[] key, byte[] value, List<Header> headers, List<Part> parts,
                                   String ignored) {
        List<Part> bad = parts.stream().filter(p -> p.verdict() == Verdict.BAD).toList();
        boolean either = parts.stream().anyMatch(p -> p.verdict() == Verdict.EITHER);
        Verdict verdict = !bad.isEmpty() ? Verdict.BAD : either ? Verdict.EITHER : Verdict.GOOD;
        // with a second fault, or a part that may be refused too, any reason fits
        Set<String> reasons = bad.size() == 1 && !either ? bad.get(0).reasons() : Set.of();
        List<String> longTexts = parts.stream().map(Part::longText).filter(t -> t != null).toList();
        return new Hostile(label, key, value, headers, verdict, reasons, longTexts);
    }

    // ---- script-events: control records ----------------------------------------------------------------------

    /** The sweep that is under way while control records are forged: its part from partition 0 is in. */
    public static final String IN_FLIGHT_SWEEP = "in-flight-sweep";
    public static final int IN_FLIGHT_PARTS = 3;

    /** asOf values: only ones that cannot be a real sweep's (a valid asOf before every deadline changes nothing). */
    private static Arbitrary<Part> asOfs() {
        return Arbitraries.of(
                Part.good("asOf now", str("2026-11-28T12:00:00Z")),
                Part.bad("asOf year 300000000", str("+300000000-01-01T00:00:00Z")),
                Part.bad("asOf Long.MAX ms", String.valueOf(Long.MAX_VALUE)),
                Part.bad("asOf Long.MAX-1 s", String.valueOf(Long.MAX_VALUE - 1)),
                Part.bad("asOf Long.MAX ms text", str(String.valueOf(Long.MAX_VALUE))),
                Part.bad("asOf Long.MIN", String.valueOf(Long.MIN_VALUE)),
                Part.bad("asOf year -1000000000", str("-1000000000-01-01T00:00:00Z")),
                Part.bad("asOf 1e300", "1e300"),
                Part.bad("asOf empty", str("")),
                Part.bad("asOf words", str("now")),
                Part.bad("asOf object", "{}"),
                Part.bad("asOf nested", nested(5_000)),
                Part.bad("asOf missing", null));
    }

    private static String request(String sweepIdJson, String triggerJson, String asOfJson) {
        List<String> fields = new ArrayList<>();
        addField(fields, "sweepId", sweepIdJson);
        addField(fields, "trigger", triggerJson);
        addField(fields, "asOf", asOfJson);
        return "{" + String.join(",", fields) + "}";
    }

    /**
     * The control records of sweeps with hostile values. None may stop the stream, fail a run whose deadline is after
     * now, or complete {@link #IN_FLIGHT_SWEEP}; each is dead-lettered (bad-control) or ignored. Those of missed-start
     * checks and pings: {@link #checkAndPingRecords()}.
     */
    public static Arbitrary<Hostile> controlRecords() {
        String hugeId = "s".repeat(450_000); // in the key and the value: both must fit one record
        Arbitrary<String> sweepIds = Arbitraries.of("sweep-" + UUID.randomUUID(), IN_FLIGHT_SWEEP, "", hugeId, "x\u0000y");
        Arbitrary<Part> triggers = Arbitraries.of(Part.good("manual", str("manual")), Part.good("scheduled", str("scheduled")),
                Part.either("trigger nonsense", str("nuclear")), Part.bad("trigger number", "42"),
                Part.bad("trigger missing", null), Part.either("trigger 600 KB", str(huge('t'))));
        Arbitrary<Hostile> requests = Combinators.combine(sweepIds, Arbitraries.of("same", "other", "missing", "number"),
                triggers, asOfs()).as((id, keyed, trigger, asOf) -> {
            String idJson = switch (keyed) {
                case "same", "other" -> str(id);
                case "number" -> "42";
                default -> null;
            };
            String key = keyed.equals("other") ? "other-" + UUID.randomUUID() : id;
            return control("sweep-request", key, request(idJson, trigger.json(), asOf.json()), List.of(),
                    "sweep-request id " + describe(id) + " keyed " + keyed + ", " + trigger.label() + ", " + asOf.label(), hugeId);
        });
        Arbitrary<Hostile> markers = Combinators.combine(sweepIds, asOfs()).as((id, asOf) ->
                control("sweep-marker", id, request(str(id), str("manual"), asOf.json()), List.of(),
                        "sweep-marker " + describe(id) + ", " + asOf.label(), hugeId));
        Arbitrary<String> partitionHeaders = Arbitraries.of("0", "-1", "6", "99", "2147483647", "2147483648", "abc", "", "\u0000");
        Arbitrary<Hostile> continuations = Combinators.combine(sweepIds, asOfs(), partitionHeaders, parts())
                .as((id, asOf, target, soFar) -> control("sweep-continue", id,
                        "{\"request\":" + request(str(id), str("manual"), asOf.json()) + ",\"soFar\":" + soFar + "}",
                        List.of(new RecordHeader(ControlRecord.PARTITION, target.getBytes(StandardCharsets.UTF_8))),
                        "sweep-continue " + describe(id) + ", " + asOf.label() + ", partition header " + describe(target)
                                + ", soFar " + describe(soFar), hugeId));
        Arbitrary<Hostile> sweepParts = Combinators.combine(sweepIds, parts()).as((id, part) ->
                control("sweep-part", id, part.replace("\"SWEEP\"", str(id)), List.of(),
                        "sweep-part " + describe(id) + " " + describe(part), hugeId));
        Arbitrary<Hostile> unknown = Combinators.combine(Arbitraries.of("reboot-everything", "", "SWEEP-REQUEST",
                        "sweep-request\u0000", huge('c')), Arbitraries.of("{}", "not json"))
                .as((name, value) -> control(name, "k-" + UUID.randomUUID(), value, List.of(),
                        "control header " + describe(name) + ", value " + value, hugeId));
        Arbitrary<Hostile> garbage = Combinators.combine(Arbitraries.of("sweep-request", "sweep-marker", "sweep-continue",
                        "sweep-part"), Arbitraries.of("not json", "", "null", "[]", "42", nested(100_000), "{\"sweepId\":{}}"))
                .as((name, value) -> control(name, "g-" + UUID.randomUUID(), value, List.of(),
                        name + " with value " + describe(value), hugeId));
        return Arbitraries.oneOf(requests, markers, continuations, sweepParts, unknown, garbage)
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    /** A sweep part's JSON with "SWEEP" for its id: partitions out of range or already in, absurd counts. */
    private static Arbitrary<String> parts() {
        Arbitrary<String> partitions = Arbitraries.of("0", "-1", "3", "6", "99", "2147483647", "-2147483648",
                "2147483648", "\"one\"", "null", "1.5");
        Arbitrary<String> counts = Arbitraries.of("0", "1", "-5", "2147483647", "9223372036854775807", "\"many\"");
        Arbitrary<String> names = Arbitraries.of("[]", "[\"backup\"]", "\"backup\"", "[42]", "[" + str(huge('b')) + "]",
                "[" + String.join(",", java.util.Collections.nCopies(20_000, "\"x\"")) + "]", nested(3_000));
        return Combinators.combine(partitions, counts, names, counts).as((p, failed, scripts, examined) ->
                "{\"sweepId\":\"SWEEP\",\"partition\":" + p + ",\"failed\":" + failed + ",\"scriptNames\":" + scripts
                        + ",\"entriesExamined\":" + examined + "}");
    }

    private static Hostile control(String controlName, String key, String value, List<Header> extra, String label,
                                   String hugeId) {
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader(ControlRecord.HEADER, controlName.getBytes(StandardCharsets.UTF_8)));
        headers.addAll(extra);
        List<String> longTexts = new ArrayList<>();
        if (key != null && key.length() > 256) {
            longTexts.add(key);
        }
        if (controlName.length() > 256) {
            longTexts.add(controlName);
        }
        return new Hostile(label, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers, Verdict.EITHER, Set.of(), longTexts);
    }

    // ---- script-events: the records of missed-start checks, and pings -------------------------------------------

    /** The script of the victim run, which started at {@link #VICTIM_START}: a slot there is kept, whatever its grace. */
    public static final String VICTIM_SCRIPT = "victim-script";
    public static final Instant VICTIM_START = Instant.parse("2026-11-27T12:00:00Z");
    /**
     * A start of the victim script applied after the forged records: a slot there is kept too, once its grace runs out,
     * so no check written before may call it missed.
     */
    public static final Instant VICTIM_LATER_START = Instant.parse("2026-11-28T13:00:00Z");
    /** A check whose home partition has read it and waits for partition 0's answer: it lists the victim's slot. */
    public static final String IN_FLIGHT_CHECK = "check-20261128T115950Z-0";
    private static final String BAD_CONTROL = "bad-control";
    private static final DateTimeFormatter WHOLE_SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    /** The runId of the record of a missed slot of {@code script} at {@code slot}: {@code backup@2026-11-30T03:00:00Z}. */
    public static String missedRunId(String script, Instant slot) {
        return script + "@" + WHOLE_SECONDS.format(slot);
    }

    /** An instant as JSON, with the instant it is when it is one within the bounds (null: none). */
    private record At(Part part, Instant instant) {
        static At good(String label, Instant instant) {
            return new At(Part.good(label, str(instant.toString())), instant);
        }

        static At good(String label, String json, Instant instant) {
            return new At(Part.good(label, json), instant);
        }

        static At bad(String label, String json) {
            return new At(Part.bad(label, json, BAD_CONTROL), null);
        }
    }

    /** A slot of a forged check or missed slot, with the runId of its missed-slot record (null: it has none). */
    private record Slot(Part part, String missedRunId) {
    }

    private static Arbitrary<Part> slotScripts() {
        return Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Part.good("victim script", VICTIM_SCRIPT))),
                Tuple.of(2, Arbitraries.of(
                        Part.good("other script", "other-script"),
                        Part.good("256-char script", "i".repeat(256)),
                        Part.good("script with @", "a@b"))),
                Tuple.of(1, Arbitraries.of(
                        Part.bad("empty script", "", BAD_CONTROL),
                        Part.bad("blank script", "  ", BAD_CONTROL),
                        Part.bad("257-char script", LONG_257, BAD_CONTROL).quoting(LONG_257),
                        Part.bad("NUL script", "a\u0000b", BAD_CONTROL),
                        Part.bad("newline script", "forged\nline", BAD_CONTROL),
                        Part.bad("lone surrogate script", "x\uD800", BAD_CONTROL))));
    }

    /** Slot instants: the victim's kept ones, unkept ones, the bounds, beyond them, garbage and wrong types. */
    private static Arbitrary<At> slotInstants() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(
                        At.good("slot at the victim's start", VICTIM_START),
                        At.good("slot 750 ms after the victim's start", VICTIM_START.plusMillis(750)),
                        At.good("slot at the victim's start, as +01:00", str("2026-11-27T13:00:00+01:00"), VICTIM_START))),
                Tuple.of(3, Arbitraries.just(
                        At.good("slot at the victim's later start", VICTIM_LATER_START))),
                Tuple.of(2, Arbitraries.of(
                        At.good("slot two hours ago (kept by nothing)", Instant.parse("2026-11-28T10:00:00Z")),
                        At.good("slot at the epoch", Instant.EPOCH),
                        At.good("slot at the last instant", Instant.parse("9999-12-31T23:59:59Z")))),
                Tuple.of(1, Arbitraries.of(
                        At.bad("slot year 10000", str("+10000-01-01T00:00:00Z")),
                        At.bad("slot before the epoch", str("1969-12-31T23:59:59Z")),
                        At.bad("slot year -1000000000", str("-1000000000-01-01T00:00:00Z")),
                        At.bad("slot Feb 30", str("2026-02-30T00:00:00Z")),
                        At.bad("slot empty", str("")),
                        At.bad("slot words", str("yesterday")),
                        At.bad("slot epoch ms", "1795000000000"),
                        At.bad("slot true", "true"),
                        At.bad("slot object", "{}"),
                        At.bad("slot missing", null))));
    }

    private static Arbitrary<Part> graces() {
        return leaning(
                Part.good("grace PT1S", str("PT1S")),
                Part.good("grace PT1M", str("PT1M")),
                Part.good("grace P3650D", str("P3650D")),
                Part.bad("grace PT0S", str("PT0S"), BAD_CONTROL),
                Part.bad("grace PT0.5S", str("PT0.5S"), BAD_CONTROL),
                Part.bad("grace -PT1M", str("-PT1M"), BAD_CONTROL),
                Part.bad("grace P3651D", str("P3651D"), BAD_CONTROL),
                Part.bad("grace Long.MAX seconds", str("PT9223372036854775807S"), BAD_CONTROL),
                Part.bad("grace words", str("forever"), BAD_CONTROL),
                Part.bad("grace number", "60", BAD_CONTROL),
                Part.bad("grace missing", null, BAD_CONTROL));
    }

    private static Arbitrary<Slot> expectedSlots() {
        Arbitrary<Slot> objects = Combinators.combine(slotScripts(), slotInstants(), graces()).as((script, at, grace) -> {
            List<String> fields = new ArrayList<>();
            addField(fields, "scriptName", script.json() == null ? (String) null : str(script.json()));
            addField(fields, "slot", at.part());
            addField(fields, "grace", grace);
            List<Part> parts = List.of(script, at.part(), grace);
            Verdict verdict = parts.stream().anyMatch(p -> p.verdict() == Verdict.BAD) ? Verdict.BAD : Verdict.GOOD;
            String label = "{" + script.label() + ", " + at.part().label() + ", " + grace.label() + "}";
            String longText = script.longText();
            return new Slot(new Part(label, "{" + String.join(",", fields) + "}", verdict,
                    verdict == Verdict.BAD ? Set.of(BAD_CONTROL) : Set.of(), longText),
                    at.instant() == null || script.verdict() == Verdict.BAD ? null : missedRunId(script.json(), at.instant()));
        });
        return Arbitraries.frequencyOf(Tuple.of(12, objects), Tuple.of(1, Arbitraries.of(
                new Slot(Part.bad("slot null", "null", BAD_CONTROL), null),
                new Slot(Part.bad("slot as text", str("victim-script@2026-11-27T12:00:00Z"), BAD_CONTROL), null),
                new Slot(Part.bad("slot as array", "[]", BAD_CONTROL), null))));
    }

    /** The slots of a check: a few, the most a check may list, one too many, or no list at all. */
    private static Arbitrary<Part> slotLists() {
        Arbitrary<Part> few = expectedSlots().list().ofMinSize(1).ofMaxSize(3).map(slots -> {
            List<Part> parts = slots.stream().map(Slot::part).toList();
            boolean bad = parts.stream().anyMatch(p -> p.verdict() == Verdict.BAD);
            String longText = parts.stream().map(Part::longText).filter(t -> t != null).findFirst().orElse(null);
            return new Part("slots " + parts.stream().map(Part::label).toList(),
                    "[" + String.join(",", parts.stream().map(Part::json).toList()) + "]",
                    bad ? Verdict.BAD : Verdict.GOOD, bad ? Set.of(BAD_CONTROL) : Set.of(), longText);
        });
        String longSlot = "{\"scriptName\":" + str("n".repeat(256)) + ",\"slot\":\"2026-11-28T10:00:00Z\",\"grace\":\"PT1M\"}";
        String victimSlot = "{\"scriptName\":" + str(VICTIM_SCRIPT) + ",\"slot\":" + str(VICTIM_START.toString()) + ",\"grace\":\"PT1M\"}";
        // a check's slots as runwarden writes them: those of one minute and grace as one group of scripts
        String victimGroup = "\"slot\":" + str(VICTIM_START.toString()) + ",\"grace\":\"PT1M\"";
        // the most a check may hold; one group keeps so many within a check's bytes
        int most = StartChecks.SLOTS_PER_CHECK;
        String victims = String.join(",", Collections.nCopies(most, str(VICTIM_SCRIPT)));
        return Arbitraries.frequencyOf(Tuple.of(8, few), Tuple.of(2, Arbitraries.of(
                Part.good("no slots", "[]"),
                Part.good("1,000 victim slots", "[" + String.join(",", Collections.nCopies(1_000, victimSlot)) + "]"),
                Part.good("1,000 slots of 256-char scripts", "[" + String.join(",", Collections.nCopies(1_000, longSlot)) + "]"),
                Part.bad("one slot too many", "[" + String.join(",", Collections.nCopies(most + 1, victimSlot)) + "]", BAD_CONTROL),
                Part.good("the most victim slots in one group", "[{" + victimGroup + ",\"scripts\":[" + victims + "]}]"),
                Part.bad("one slot too many in two groups", "[{" + victimGroup + ",\"scripts\":[" + victims + "]},{" + victimGroup
                        + ",\"scripts\":[" + str(VICTIM_SCRIPT) + "]}]", BAD_CONTROL),
                Part.bad("a group with a scriptName too", "[{\"scriptName\":" + str(VICTIM_SCRIPT) + "," + victimGroup
                        + ",\"scripts\":[" + str(VICTIM_SCRIPT) + "]}]", BAD_CONTROL),
                Part.bad("a group with a null script", "[{" + victimGroup + ",\"scripts\":[null]}]", BAD_CONTROL),
                Part.bad("a group's scripts as text", "[{" + victimGroup + ",\"scripts\":" + str(VICTIM_SCRIPT) + "}]", BAD_CONTROL),
                Part.bad("a null group", "[null]", BAD_CONTROL),
                Part.bad("20,000 slots", "[" + String.join(",", Collections.nCopies(20_000, victimSlot)) + "]", BAD_CONTROL),
                Part.bad("slots null", "null", BAD_CONTROL),
                Part.bad("slots missing", null, BAD_CONTROL),
                Part.bad("slots text", str("all"), BAD_CONTROL),
                Part.bad("slots nested", nested(3_000), BAD_CONTROL))));
    }

    /** A check's asOf: within the clock skew a check may have, beyond it, at and beyond the bounds, garbage. */
    private static Arbitrary<Part> checkAsOfs() {
        return leaning(
                Part.good("asOf now", str("2026-11-28T12:00:00Z")),
                Part.good("asOf in 14 minutes", str("2026-11-28T12:14:00Z")),
                Part.good("asOf epoch", str("1970-01-01T00:00:00Z")),
                Part.bad("asOf in 16 minutes", str("2026-11-28T12:16:00Z"), BAD_CONTROL),
                Part.bad("asOf last instant", str("9999-12-31T23:59:59Z"), BAD_CONTROL),
                Part.bad("asOf year 300000000", str("+300000000-01-01T00:00:00Z"), BAD_CONTROL),
                Part.bad("asOf before the epoch", str("1969-12-31T23:59:59Z"), BAD_CONTROL),
                Part.bad("asOf Long.MAX ms", String.valueOf(Long.MAX_VALUE), BAD_CONTROL),
                Part.bad("asOf words", str("now"), BAD_CONTROL),
                Part.bad("asOf object", "{}", BAD_CONTROL),
                Part.bad("asOf missing", null, BAD_CONTROL));
    }

    /** A slot whose grace has not run out by the check's asOf: a check may not judge it yet, so it is refused. */
    private static boolean judgesTooEarly(Part asOf, Part slots) {
        try {
            Instant at = Instant.parse(Json.read(asOf.json(), String.class));
            for (JsonNode slot : Json.read(slots.json(), JsonNode.class)) {
                Instant to = OffsetDateTime.parse(slot.path("slot").asText()).toInstant().plus(Duration.parse(slot.path("grace").asText()));
                if (to.isAfter(at)) {
                    return true;
                }
            }
        } catch (RuntimeException unreadable) {
            // a part that cannot be read is bad already, and judges the record
        }
        return false;
    }

    /** Check ids: the in-flight check's, a fresh one, and every way to break 1 to 64 characters of an id. */
    private static Arbitrary<String> checkIds() {
        return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of(IN_FLIGHT_CHECK, "check-forged", "c".repeat(64))),
                Tuple.of(1, Arbitraries.of("", "  ", "c".repeat(65), "c\u0000d", "c\nd", "c\uD800", "c".repeat(20_000))));
    }

    private static Part checkIdPart(String checkId) {
        boolean good = !checkId.isBlank() && checkId.length() <= 64 && checkId.chars().noneMatch(c ->
                Character.isISOControl(c) || Character.isSurrogate((char) c));
        Part part = good ? Part.good("checkId " + describe(checkId), str(checkId))
                : Part.bad("checkId " + describe(checkId), str(checkId), BAD_CONTROL);
        return checkId.length() > 256 ? part.quoting(checkId) : part;
    }

    /** How a record of a check is keyed: by its checkId, by another, or not at all. */
    private static Part keyedBy(String keyed, String id) {
        return switch (keyed) {
            case "same" -> Part.good("keyed by its id", id);
            case "other" -> Part.bad("keyed by another id", "another-" + id.length(), BAD_CONTROL);
            default -> Part.bad("no key", null, BAD_CONTROL);
        };
    }

    /**
     * Forged start-check, start-check-continue, start-check-part, missed-slot and ping records. None may stop the
     * stream, fail the victim run or record a slot as missed that a start kept; a bad one is dead-lettered as
     * bad-control.
     */
    public static Arbitrary<Hostile> checkAndPingRecords() {
        Arbitrary<String> keyed = Arbitraries.frequency(Tuple.of(10, "same"), Tuple.of(1, "other"), Tuple.of(1, "missing"));
        Arbitrary<String> partitionHeaders = Arbitraries.of("0", "-1", "99", "2147483648", "abc", "", "\u0000");
        Arbitrary<Hostile> checks = Combinators.combine(Arbitraries.of("start-check", "start-check-continue"), checkIds(),
                keyed, checkAsOfs(), slotLists(), partitionHeaders).as((kind, id, key, asOf, slots, target) -> {
            Part checkId = checkIdPart(id);
            Part keyPart = keyedBy(key, id);
            List<String> fields = new ArrayList<>();
            addField(fields, "checkId", checkId);
            addField(fields, "asOf", asOf);
            addField(fields, "slots", slots);
            List<Header> headers = kind.equals("start-check") ? List.of()
                    : List.of(new RecordHeader(ControlRecord.PARTITION, target.getBytes(StandardCharsets.UTF_8)));
            List<Part> parts = new ArrayList<>(List.of(checkId, keyPart, asOf, slots));
            if (judgesTooEarly(asOf, slots)) {
                parts.add(Part.bad("a slot's grace not run out by asOf", null, BAD_CONTROL));
            }
            return controlOf(kind, keyPart, "{" + String.join(",", fields) + "}", headers, parts);
        });
        Arbitrary<Part> partitions = leaning(
                Part.good("partition 0", "0"),
                Part.either("partition \"0\"", str("0")),
                Part.either("partition null", "null"),
                Part.either("partition missing", null),
                Part.bad("partition 1", "1", BAD_CONTROL),
                Part.bad("partition -1", "-1", BAD_CONTROL),
                Part.bad("partition 2147483647", "2147483647", BAD_CONTROL),
                Part.bad("partition 2147483648", "2147483648", BAD_CONTROL),
                Part.bad("partition 1.5", "1.5", BAD_CONTROL),
                Part.bad("partition text", str("zero"), BAD_CONTROL));
        String hugeKept = "[" + String.join(",", Collections.nCopies(450_000, "0")) + "]";
        int most = StartChecks.SLOTS_PER_CHECK;
        String everyPosition = IntStream.range(0, most).mapToObj(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        Arbitrary<Part> kept = leaning(
                Part.good("kept nothing", "[]"),
                Part.good("kept [0]", "[0]"),
                Part.good("kept [0,1,999]", "[0,1,999]"),
                Part.good("kept every position of the most a check holds", everyPosition),
                Part.bad("kept 450,000 zeros", hugeKept, BAD_CONTROL),
                Part.bad("kept [0,0]", "[0,0]", BAD_CONTROL),
                Part.either("kept [\"0\"]", "[" + str("0") + "]"),
                Part.either("kept [0.5]", "[0.5]"),
                Part.bad("kept [the most a check holds]", "[" + most + "]", BAD_CONTROL),
                Part.bad("kept [-1]", "[-1]", BAD_CONTROL),
                Part.bad("kept [null]", "[null]", BAD_CONTROL),
                Part.bad("kept [2147483648]", "[2147483648]", BAD_CONTROL),
                Part.bad("kept null", "null", BAD_CONTROL),
                Part.bad("kept missing", null, BAD_CONTROL),
                Part.bad("kept object", "{}", BAD_CONTROL),
                Part.bad("kept nested", nested(3_000), BAD_CONTROL));
        Arbitrary<Hostile> checkParts = Combinators.combine(checkIds(), keyed, partitions, kept).as((id, key, partition, positions) -> {
            Part checkId = checkIdPart(id);
            Part keyPart = keyedBy(key, id);
            List<String> fields = new ArrayList<>();
            addField(fields, "checkId", checkId);
            addField(fields, "partition", partition);
            addField(fields, "kept", positions);
            return controlOf("start-check-part", keyPart, "{" + String.join(",", fields) + "}", List.of(),
                    List.of(checkId, keyPart, partition, positions));
        });
        Arbitrary<Part> foundAts = leaning(
                Part.good("foundAt now", str("2026-11-28T12:00:00Z")),
                Part.good("foundAt epoch", str("1970-01-01T00:00:00Z")),
                Part.good("foundAt in 14 minutes", str("2026-11-28T12:14:00Z")),
                Part.bad("foundAt in a day", str("2026-11-29T12:00:00Z"), BAD_CONTROL),
                Part.bad("foundAt last instant", str("9999-12-31T23:59:59Z"), BAD_CONTROL),
                Part.bad("foundAt year 10000", str("+10000-01-01T00:00:00Z"), BAD_CONTROL),
                Part.bad("foundAt words", str("later"), BAD_CONTROL),
                Part.bad("foundAt missing", null, BAD_CONTROL));
        Arbitrary<Hostile> missed = Combinators.combine(expectedSlots(), keyed, foundAts,
                Arbitraries.of("check-forged", "", "c".repeat(20_000))).as((slot, key, foundAt, checkId) -> {
            String runId = slot.missedRunId() != null ? slot.missedRunId() : "no-run-of-this-slot";
            Part keyPart = switch (key) {
                case "same" -> slot.missedRunId() != null ? Part.good("keyed by its runId", runId)
                        : Part.bad("keyed by no runId of its slot", runId, BAD_CONTROL);
                case "other" -> Part.bad("keyed by another runId", VICTIM_SCRIPT + "@2026-11-28T10:00:01Z", BAD_CONTROL);
                default -> Part.bad("no key", null, BAD_CONTROL);
            };
            List<String> fields = new ArrayList<>();
            addField(fields, "slot", slot.part());
            addField(fields, "checkId", str(checkId));
            addField(fields, "foundAt", foundAt);
            Part checkIdPart = checkId.isEmpty() || checkId.length() > 64
                    ? Part.bad("checkId " + describe(checkId), null, BAD_CONTROL) : Part.good("checkId " + describe(checkId), null);
            return controlOf("missed-slot", keyPart, "{" + String.join(",", fields) + "}", List.of(),
                    List.of(slot.part(), keyPart, foundAt, checkIdPart));
        });
        // no edge cases: they would favour the first and last value of every part, most of them faults
        return Arbitraries.frequencyOf(Tuple.of(3, checks), Tuple.of(2, checkParts), Tuple.of(3, missed), Tuple.of(3, pings()),
                Tuple.of(1, controlGarbage())).withoutEdgeCases().filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    /**
     * Ping records: keyed by their script, or not; every event, a runId exactly when they start a run or not; times at
     * and beyond the bounds; huge, controlled and wrongly typed messages. A ping never names the victim run.
     */
    private static Arbitrary<Hostile> pings() {
        Arbitrary<Part> scripts = slotScripts();
        Arbitrary<Part> events = leaning(
                Part.good("started", str("started")),
                Part.good("succeeded", str("succeeded")),
                Part.good("failed", str("failed")),
                Part.either("heartbeat", str("heartbeat")), // a dead letter no-open-run when no ping opened a run
                Part.bad("event STARTED", str("STARTED"), BAD_CONTROL),
                Part.bad("event paused", str("paused"), BAD_CONTROL),
                Part.bad("event 0", "0", BAD_CONTROL),
                Part.bad("event null", "null", BAD_CONTROL),
                Part.bad("event missing", null, BAD_CONTROL),
                Part.bad("event array", "[" + str("started") + "]", BAD_CONTROL));
        // the right runId: one when the ping starts a run, none otherwise
        Arbitrary<String> runIds = Arbitraries.frequency(Tuple.of(12, "right"), Tuple.of(1, "wrong"), Tuple.of(1, ""),
                Tuple.of(1, "257"), Tuple.of(1, "NUL"), Tuple.of(1, "number"), Tuple.of(1, "object"));
        Arbitrary<Part> times = leaning(
                Part.good("time now", str("2026-11-28T12:00:00Z")),
                Part.good("time at the victim's start", str(VICTIM_START.toString())),
                Part.good("time last instant", str("9999-12-31T23:59:59Z")),
                Part.good("time epoch", str("1970-01-01T00:00:00Z")),
                Part.bad("time year 10000", str("+10000-01-01T00:00:00Z"), BAD_CONTROL),
                Part.bad("time before the epoch", str("1969-12-31T23:59:59Z"), BAD_CONTROL),
                Part.bad("time epoch ms", "1795000000000", BAD_CONTROL),
                Part.bad("time words", str("now"), BAD_CONTROL),
                Part.bad("time missing", null, BAD_CONTROL));
        String hugeMessage = huge('m');
        Arbitrary<Part> messages = Arbitraries.of(
                Part.good("no message", null),
                Part.good("message", str("done")),
                Part.good("message 600 KB", str(hugeMessage)),
                Part.good("message controls", str("line1\nline2\u0000\u001b[2J\r")),
                Part.good("message lone surrogate", str("half \uD83D pair")),
                Part.either("message number", "42"),
                Part.bad("message object", "{\"text\":\"x\"}", BAD_CONTROL));
        return Combinators.combine(scripts, Arbitraries.frequency(Tuple.of(10, "same"), Tuple.of(1, "other"),
                        Tuple.of(1, "missing")), events, runIds, times, messages).as((script, keyed, event, runId, time, message) -> {
            Part keyPart = switch (keyed) {
                case "same" -> Part.good("keyed by its script", script.json());
                case "other" -> Part.bad("keyed by another script", "someone-else", BAD_CONTROL);
                default -> Part.bad("no key", null, BAD_CONTROL);
            };
            if (keyed.equals("same") && script.verdict() == Verdict.BAD) {
                keyPart = Part.good("keyed by its script", script.json()); // the script is the fault
            }
            boolean starts = event.label().equals("started");
            Part runIdPart = switch (runId) {
                case "right" -> starts ? Part.good("runId fresh", str("ping-run-" + UUID.randomUUID())) : Part.good("no runId", null);
                case "wrong" -> starts ? Part.bad("no runId on a start", null, BAD_CONTROL)
                        : Part.bad("runId on an end or heartbeat", str("ping-run-" + UUID.randomUUID()), BAD_CONTROL);
                case "" -> Part.bad("runId empty", str(""), BAD_CONTROL);
                case "257" -> Part.bad("runId 257 chars", str(LONG_257), BAD_CONTROL).quoting(LONG_257);
                case "NUL" -> Part.bad("runId NUL", str("run\u0000id"), BAD_CONTROL);
                case "number" -> starts ? Part.either("runId number", "42")
                        : Part.bad("runId number on an end or heartbeat", "42", BAD_CONTROL);
                default -> Part.bad("runId object", "{}", BAD_CONTROL);
            };
            List<String> fields = new ArrayList<>();
            addField(fields, "scriptName", script.json() == null ? (String) null : str(script.json()));
            addField(fields, "event", event);
            addField(fields, "runId", runIdPart);
            addField(fields, "time", time);
            addField(fields, "message", message);
            return controlOf("ping", keyPart, "{" + String.join(",", fields) + "}", List.of(),
                    List.of(new Part("scriptName " + script.label(), null, script.verdict(), script.reasons(), script.longText()), keyPart, event,
                            runIdPart, time, message));
        });
    }

    /** Values that are no record of their kind at all. */
    private static Arbitrary<Hostile> controlGarbage() {
        return Combinators.combine(Arbitraries.of("start-check", "start-check-continue", "start-check-part", "missed-slot",
                        "ping"), Arbitraries.of("not json", "", "null", "[]", "42", "\"text\"", nested(100_000),
                        "{\"checkId\":{}}", "{\"slot\":{}}", "{\"scriptName\":[]}"))
                .as((name, value) -> controlOf(name, Part.good("key", "g-" + UUID.randomUUID()), value, List.of(),
                        List.of(Part.bad("value " + describe(value), null, BAD_CONTROL))));
    }

    /** A control record whose verdict and reasons come from its parts; the key part's json is the key as text. */
    private static Hostile controlOf(String controlName, Part key, String value, List<Header> extra, List<Part> parts) {
        List<Header> headers = new ArrayList<>();
        headers.add(new RecordHeader(ControlRecord.HEADER, controlName.getBytes(StandardCharsets.UTF_8)));
        headers.addAll(extra);
        String label = controlName + " " + String.join(", ", parts.stream().map(Part::label).toList())
                + ", value " + describe(value);
        List<Part> all = new ArrayList<>(parts);
        if (key.json() != null && key.json().length() > 256) {
            all.add(Part.good("long key", null).quoting(key.json()));
        }
        return combine(label, key.json() == null ? null : key.json().getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), headers, all, "");
    }

    // ---- global topics ---------------------------------------------------------------------------------------

    /** Cron expressions: ordinary ones, ones that never fire or not within 366 days, and pathological ones. */
    static Arbitrary<Part> schedules() {
        return Arbitraries.of(
                Part.good("every minute", str("* * * * *")),
                Part.good("daily 2am", str("0 2 * * *")),
                Part.good("March 1st", str("0 0 1 3 *")),
                Part.bad("Feb 30", str("0 0 30 2 *")),
                Part.bad("Feb 31", str("0 0 31 2 *")),
                Part.bad("Apr 31", str("0 0 31 4 *")),
                Part.bad("Feb 29 (next in 2028, beyond 366 days)", str("0 0 29 2 *")),
                Part.bad("Feb 30 or 31", str("0 0 30,31 2 *")),
                Part.bad("step 0", str("*/0 * * * *")),
                Part.bad("minute 60", str("60 * * * *")),
                Part.bad("reversed range", str("59-0 * * * *")),
                Part.bad("six fields", str("0 0 0 * * *")),
                Part.bad("seven fields", str("0 0 0 * * * 2030")),
                Part.bad("four fields", str("* * * *")),
                Part.bad("empty", str("")),
                Part.bad("words", str("every day")),
                Part.bad("NUL", str("0 2 * * *\u0000")),
                Part.bad("quartz specials", str("0 0 L W ?")),
                Part.bad("day-of-week 8", str("0 0 * * 8")),
                Part.bad("huge list", str(String.join(",", java.util.Collections.nCopies(50_000, "1")) + " * * * *")),
                Part.bad("huge step", str("*/99999999999999999999 * * * *")),
                Part.bad("600 KB", str(huge('*'))),
                Part.bad("number", "5"),
                Part.bad("array", "[\"0\",\"2\"]"),
                Part.bad("missing", null));
    }

    static Arbitrary<Part> timezones() {
        return Arbitraries.of(
                Part.good("UTC", str("UTC")),
                Part.good("Paris", str("Europe/Paris")),
                Part.good("no timezone", null),
                Part.either("+14:00", str("+14:00")),
                Part.bad("Mars", str("Mars/Olympus_Mons")),
                Part.bad("+25:00", str("+25:00")),
                Part.bad("GMT+99", str("GMT+99")),
                Part.bad("NUL", str("UTC\u0000")),
                Part.bad("600 KB", str(huge('z'))),
                Part.bad("number", "1"));
    }

    /** cron-config records: the job name is the key. */
    public static Arbitrary<Hostile> cronJobs() {
        Arbitrary<Part> enabled = Arbitraries.of(Part.good("enabled", "true"), Part.good("disabled", "false"),
                Part.either("enabled missing", null), Part.bad("enabled yes", str("yes")), Part.bad("enabled object", "{}"));
        Arbitrary<Part> description = Arbitraries.of(Part.good("no description", null), Part.good("description", str("d")),
                Part.either("description 600 KB", str(huge('d'))), Part.either("description controls", str("a\u0000\u001b\n")),
                Part.bad("description nested", nested(5_000)));
        Arbitrary<Hostile> jobs = Combinators.combine(ids("bad-name").map(HostileInputs::asKey), schedules(), timezones(), enabled, description)
                .as((name, schedule, zone, on, text) -> {
                    List<String> fields = new ArrayList<>();
                    addField(fields, "name", str(name.json()));
                    addField(fields, "schedule", schedule);
                    addField(fields, "timezone", zone);
                    addField(fields, "enabled", on);
                    addField(fields, "description", text);
                    return combine(String.join(", ", List.of("name " + name.label(), schedule.label(), zone.label(),
                                    on.label(), text.label())), name.json().getBytes(StandardCharsets.UTF_8),
                            ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8), List.of(),
                            List.of(name, schedule, zone, on, text), "");
                });
        return Arbitraries.frequencyOf(Tuple.of(8, jobs), Tuple.of(2, wholeGlobalValues("job-")))
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    /** Schedules of a policy: as a cron job's, but a policy may have none, and the nicknames. */
    static Arbitrary<Part> policySchedules() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(
                        Part.good("no schedule", null),
                        Part.good("schedule null", "null"),
                        Part.good("every minute", str("* * * * *")),
                        Part.good("every minute", str("* * * * *")),
                        Part.good("@hourly", str("@hourly")),
                        Part.good("@yearly", str("@yearly")),
                        Part.either("' @daily '", str(" @daily ")),
                        Part.bad("@reboot", str("@reboot")),
                        Part.bad("@every 5m", str("@every 5m")),
                        Part.bad("@DAILY", str("@DAILY")),
                        Part.bad("257 chars", str("*".repeat(257))),
                        // cron-utils reads them as digits (Integer.parseInt does), a daily 02:00 that is not a fixed time
                        Part.either("fullwidth digits", str("\uFF10 \uFF12 * * *")),
                        Part.bad("object", "{\"cron\":\"* * * * *\"}"),
                        Part.bad("true", "true"))),
                Tuple.of(2, schedules().filter(p -> p.json() != null)));
    }

    /** Timezones of a policy: checked even without a schedule. */
    static Arbitrary<Part> policyTimezones() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, timezones()),
                Tuple.of(1, Arbitraries.of(
                        Part.good("Lord Howe (30-minute DST)", str("Australia/Lord_Howe")),
                        Part.good("Troll (2-hour DST)", str("Antarctica/Troll")),
                        Part.good("Kathmandu (+05:45)", str("Asia/Kathmandu")),
                        Part.good("Apia (skipped a day)", str("Pacific/Apia")),
                        Part.good("Z", str("Z")),
                        Part.good("UTC+14:00", str("UTC+14:00")),
                        Part.good("timezone null", "null"),
                        Part.either("utc", str("utc")),
                        Part.either("EST", str("EST")),
                        Part.bad("empty", str("")),
                        Part.bad("blank", str("  ")),
                        Part.bad("257 chars", str("Europe/" + "x".repeat(250))),
                        Part.bad("newline", str("UTC\nX")),
                        Part.bad("lone surrogate", str("UTC\uD800")),
                        Part.bad("object", "{}"))));
    }

    static Arbitrary<Part> pauseds() {
        return leaning(
                Part.good("not paused", "false"),
                Part.good("paused", "true"),
                Part.good("paused missing", null),
                Part.either("paused null", "null"),
                Part.either("paused \"true\"", str("true")),
                Part.either("paused 1", "1"),
                Part.bad("paused yes", str("yes")),
                Part.bad("paused 600 KB", str(huge('y'))),
                Part.bad("paused object", "{}"),
                Part.bad("paused array", "[true]"));
    }

    /** When the schedule was set: runwarden writes it, but anyone who can write the topic may write anything. */
    static Arbitrary<Part> scheduleSinces() {
        return leaning(
                Part.good("scheduleSince missing", null),
                Part.good("scheduleSince now", str("2026-11-28T12:00:00.000Z")),
                Part.good("scheduleSince epoch", str("1970-01-01T00:00:00Z")),
                Part.good("scheduleSince last instant", str("9999-12-31T23:59:59Z")),
                Part.bad("scheduleSince year 10000", str("+10000-01-01T00:00:00Z")),
                Part.bad("scheduleSince before the epoch", str("1969-12-31T23:59:59Z")),
                Part.bad("scheduleSince words", str("always")),
                Part.bad("scheduleSince epoch ms", "1795000000000"),
                Part.bad("scheduleSince object", "{}"));
    }

    /** script-policies records: the script name is the key; every field of a policy, hostile or not. */
    public static Arbitrary<Hostile> policies() {
        Arbitrary<Hostile> policies = Combinators.combine(ids("bad-name").map(HostileInputs::asKey),
                        Arbitraries.of("same", "other", "missing"), leaning(durationParts()).injectNull(0.3), policySchedules(),
                        policyTimezones().injectNull(0.3), leaning(durationParts()).injectNull(0.3), pauseds(), scheduleSinces())
                .as((name, named, maxRuntime, given, zone, grace, paused, since) -> {
                    // 366 days are counted from scheduleSince: from the last instant, 29 February 10000 (a leap year) is near
                    Part schedule = given.label().startsWith("Feb 29") && since.label().equals("scheduleSince last instant")
                            ? given.as(Verdict.GOOD) : given;
                    List<String> fields = new ArrayList<>();
                    if (!named.equals("missing")) {
                        addField(fields, "scriptName", str(named.equals("same") ? name.json() : "another-script"));
                    }
                    Part max = maxRuntime == null ? Part.good("no maxRuntime", null) : maxRuntime;
                    Part timezone = zone == null ? Part.good("no timezone", null) : zone;
                    Part startGrace = grace == null ? Part.good("no startGrace", null)
                            : new Part("startGrace " + grace.label(), grace.json(), grace.verdict(), grace.reasons(), grace.longText());
                    addField(fields, "maxRuntime", max);
                    addField(fields, "schedule", schedule);
                    addField(fields, "timezone", timezone);
                    addField(fields, "startGrace", startGrace);
                    addField(fields, "paused", paused);
                    addField(fields, "scheduleSince", since);
                    List<Part> parts = List.of(name, max, schedule, timezone, startGrace, paused, since);
                    return combine("name " + name.label() + " (" + named + " in value), " + String.join(", ",
                                    parts.subList(1, parts.size()).stream().map(Part::label).toList()),
                            name.json().getBytes(StandardCharsets.UTF_8),
                            ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8), List.of(), parts, "");
                });
        return Arbitraries.frequencyOf(Tuple.of(8, policies), Tuple.of(2, wholeGlobalValues("policy-")))
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    private static Arbitrary<Hostile> wholeGlobalValues(String prefix) {
        return Arbitraries.of("not json", "", "null", "[]", "42", "\"text\"", nested(200_000), "{\"a\":" + nested(5_000) + "}",
                        "{", "[".repeat(HUGE))
                .map(value -> new Hostile("value " + describe(value), (prefix + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), List.of(), Verdict.BAD, Set.of(), List.of()));
    }

    // ---- notification-channels -------------------------------------------------------------------------------

    /**
     * A string no refusal of a channel may quote: every secret, routing key and URL below holds it, so a log line or an
     * answer that shows one of them whole, or its start, shows this.
     */
    public static final String CREDENTIAL = "CR3DENTIAL";
    /** Where the good URLs point: this machine's discard port, so that a test send never leaves it and fails at once. */
    public static final String CHANNEL_URL = "http://127.0.0.1:9/hook/" + CREDENTIAL;

    /**
     * Whether an answer reveals a credential: a secret, a routing key or a Slack URL unmasked, or any of them quoted
     * elsewhere. A channel's own URL is shown when it is a webhook's or PagerDuty's (DESIGN, "Notifications").
     */
    public static boolean showsACredential(JsonNode answer) {
        JsonNode copy = answer.deepCopy();
        dropShownUrls(copy);
        return copy.toString().contains(CREDENTIAL);
    }

    private static void dropShownUrls(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object && object.path("type").isTextual()
                && !object.path("type").asText().equals("slack")) {
            object.remove("url");
        }
        node.forEach(HostileInputs::dropShownUrls);
    }

    public static Arbitrary<Part> channelTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(16, Arbitraries.of(Part.good("webhook", str("webhook")), Part.good("slack", str("slack")),
                        Part.good("email", str("email")), Part.good("pagerduty", str("pagerduty")))),
                Tuple.of(1, Arbitraries.of(
                        Part.bad("type WEBHOOK", str("WEBHOOK")),
                        Part.bad("type sms", str("sms")),
                        Part.bad("type empty", str("")),
                        Part.bad("type missing", null),
                        Part.bad("type null", "null"),
                        Part.bad("type 0", "0"),
                        Part.bad("type array", "[\"webhook\"]"),
                        Part.bad("type NUL", str("webhook\u0000")),
                        Part.bad("type 600 KB", str(huge('w'))))));
    }

    /**
     * URLs: good ones, every one on this machine (a test send or a delivery must not leave it), and every bad form
     * (DESIGN, "Notifications"; ChannelRules).
     */
    public static Part[] urlParts() {
        String base = "https://127.0.0.1:9/" + CREDENTIAL + "/";
        String long2048 = base + "p".repeat(2_048 - base.length());
        return new Part[]{
                Part.good("url local", str(CHANNEL_URL)),
                Part.good("url https with a query", str("https://127.0.0.1:9/services/T0/B0/" + CREDENTIAL + "?a=1&b=%20")),
                Part.good("url port 1", str("http://127.0.0.1:1/" + CREDENTIAL)),
                Part.good("url port 65535", str("https://localhost:65535/" + CREDENTIAL)),
                Part.good("url IPv6", str("http://[::1]:9/" + CREDENTIAL)),
                Part.good("url HTTPS in capitals", str("HTTPS://LOCALHOST:9/" + CREDENTIAL)),
                Part.good("url 2,048 chars", str(long2048)),
                Part.good("url encoded emoji", str(base + "%F0%9F%92%BE")),
                Part.good("url accented path", str(base + "été")),
                // java.net.URI reads no host in it, and the HTTP client could not call it: punycode it is
                Part.bad("url IDN host", str("https://exämple.com/" + CREDENTIAL)),
                Part.bad("url ftp", str("ftp://example.com/" + CREDENTIAL)),
                Part.bad("url javascript:", str("javascript:alert('" + CREDENTIAL + "')")),
                Part.bad("url JavaScript://", str("JavaScript://example.com/%0aalert('" + CREDENTIAL + "')")),
                Part.bad("url file", str("file:///etc/" + CREDENTIAL)),
                Part.bad("url data", str("data:text/html,<script>" + CREDENTIAL + "</script>")),
                Part.bad("url mailto", str("mailto:" + CREDENTIAL + "@example.com")),
                Part.bad("url user and password", str("https://user:" + CREDENTIAL + "@example.com/hook")),
                Part.bad("url user", str("https://" + CREDENTIAL + "@example.com/hook")),
                Part.bad("url slack@evil", str("https://hooks.slack.com@evil.example/services/" + CREDENTIAL)),
                Part.bad("url CRLF", str(base + "\r\nX-Injected: 1")),
                Part.bad("url NUL", str(base + "\u0000")),
                Part.bad("url tab", str(base + "\tx")),
                Part.bad("url space", str("https://exa mple.com/" + CREDENTIAL)),
                Part.bad("url DEL", str(base + "\u007f")),
                Part.bad("url C1", str(base + "\u0085")),
                Part.bad("url lone surrogate", str(base + "\uD800")),
                Part.bad("url 2,049 chars", str(long2048 + "p")),
                Part.bad("url 600 KB", str(base + huge('u'))),
                Part.bad("url port 0", str("https://example.com:0/" + CREDENTIAL)),
                Part.bad("url port 65536", str("https://example.com:65536/" + CREDENTIAL)),
                Part.bad("url port 99999999999", str("https://example.com:99999999999/" + CREDENTIAL)),
                Part.bad("url no host", str("https:///" + CREDENTIAL)),
                Part.bad("url no host, a port", str("http://:8080/" + CREDENTIAL)),
                Part.bad("url scheme only", str("https://")),
                Part.bad("url relative", str("/hook/" + CREDENTIAL)),
                Part.bad("url no scheme", str("example.com/" + CREDENTIAL)),
                Part.bad("url scheme-relative", str("//example.com/" + CREDENTIAL)),
                Part.bad("url fragment", str(base + "#x")),
                Part.bad("url bad escape", str(base + "%zz")),
                Part.bad("url empty", str("")),
                Part.bad("url blank", str("   ")),
                Part.bad("url the mask", str("********")),
                Part.bad("url number", "42"),
                Part.bad("url true", "true"),
                Part.bad("url object", "{\"href\":" + str(CHANNEL_URL) + "}"),
                Part.bad("url array", "[" + str(CHANNEL_URL) + "]"),
                Part.bad("url nested", nested(5_000))};
    }

    /** A webhook's secret: 1 to 256 characters, no control character, not the mask. */
    public static Part[] secretParts() {
        return new Part[]{
                Part.good("secret", str("s3cret-" + CREDENTIAL)),
                Part.good("secret 256 chars", str(CREDENTIAL + "k".repeat(256 - CREDENTIAL.length()))),
                Part.good("secret with spaces and emoji", str("a " + CREDENTIAL + " \uD83D\uDD11")),
                Part.bad("secret empty", str("")),
                Part.bad("secret 257 chars", str(CREDENTIAL + "k".repeat(257 - CREDENTIAL.length()))),
                Part.bad("secret 600 KB", str(CREDENTIAL + huge('k'))),
                Part.bad("secret NUL", str(CREDENTIAL + "\u0000")),
                Part.bad("secret CRLF", str(CREDENTIAL + "\r\nX: 1")),
                Part.bad("secret lone surrogate", str(CREDENTIAL + "\uD800")),
                Part.bad("secret the mask", str("********")),
                Part.bad("secret number", "12345"),
                Part.bad("secret object", "{\"value\":" + str(CREDENTIAL) + "}"),
                Part.bad("secret array", "[" + str(CREDENTIAL) + "]")};
    }

    /** Addresses of an email channel: 1 to 50 of them, each one address of at most 320 characters. */
    public static Part[] toParts() {
        String at320 = "o".repeat(64) + "@" + "d".repeat(63) + "." + "e".repeat(63) + "." + "x".repeat(63) + "." + "y".repeat(59) + ".com";
        String fifty = IntStream.range(0, 50).mapToObj(i -> str("ops" + i + "@example.com")).collect(Collectors.joining(",", "[", "]"));
        String fiftyOne = IntStream.range(0, 51).mapToObj(i -> str("ops" + i + "@example.com")).collect(Collectors.joining(",", "[", "]"));
        return new Part[]{
                Part.good("to one", "[" + str("ops@example.com") + "]"),
                Part.good("to two", "[" + str("ops@example.com") + "," + str("oncall+alerts@sub.example.org") + "]"),
                Part.good("to 50 addresses", fifty),
                Part.good("to with a display name", "[" + str("Ops Team <ops@example.com>") + "]"),
                Part.good("to 320 chars", "[" + str(at320) + "]"),
                Part.either("to unicode domain", "[" + str("ops@exämple.com") + "]"),
                Part.bad("to empty", "[]"),
                Part.bad("to 51 addresses", fiftyOne),
                Part.bad("to 321 chars", "[" + str("o" + at320) + "]"),
                Part.bad("to 600 KB", "[" + str(huge('o') + "@example.com") + "]"),
                Part.bad("to not an address", "[" + str("not-an-address") + "]"),
                Part.bad("to no domain", "[" + str("ops@") + "]"),
                Part.bad("to no local part", "[" + str("@example.com") + "]"),
                Part.bad("to two in one", "[" + str("a@example.com, b@example.com") + "]"),
                Part.bad("to header injection", "[" + str("ops@example.com\r\nBcc: evil@example.com") + "]"),
                Part.bad("to NUL", "[" + str("ops@example.com\u0000") + "]"),
                Part.bad("to lone surrogate", "[" + str("ops\uD800@example.com") + "]"),
                Part.bad("to group", "[" + str("undisclosed-recipients:;") + "]"),
                Part.bad("to the mask", "[" + str("********") + "]"),
                Part.bad("to blank", "[" + str("  ") + "]"),
                Part.bad("to null entry", "[null]"),
                Part.bad("to number entry", "[42]"),
                Part.bad("to a string", str("ops@example.com")),
                Part.bad("to object", "{}"),
                Part.bad("to nested", nested(5_000))};
    }

    /** A PagerDuty routing key: 1 to 64 printable ASCII characters, no space, not the mask. */
    public static Part[] routingKeyParts() {
        return new Part[]{
                Part.good("routingKey", str("R0UT1NG-" + CREDENTIAL)),
                Part.good("routingKey 32 hex", str("0123456789abcdef0123456789abcdef")),
                Part.good("routingKey 64 chars", str(CREDENTIAL + "r".repeat(64 - CREDENTIAL.length()))),
                Part.bad("routingKey empty", str("")),
                Part.bad("routingKey 65 chars", str(CREDENTIAL + "r".repeat(65 - CREDENTIAL.length()))),
                Part.bad("routingKey 600 KB", str(CREDENTIAL + huge('r'))),
                Part.bad("routingKey space", str("R0UT 1NG " + CREDENTIAL)),
                Part.bad("routingKey non-ASCII", str("ключ-" + CREDENTIAL)),
                Part.bad("routingKey NUL", str(CREDENTIAL + "\u0000")),
                Part.bad("routingKey newline", str(CREDENTIAL + "\n")),
                Part.bad("routingKey the mask", str("********")),
                Part.bad("routingKey number", "12345"),
                Part.bad("routingKey object", "{}")};
    }

    /** Script patterns: globs, where a regex's metacharacters are literals; 1 to 100 of them, each an id. */
    public static Part[] scriptsParts() {
        String hundred = IntStream.range(0, 100).mapToObj(i -> str("script-" + i + "-*")).collect(Collectors.joining(",", "[", "]"));
        String hundredOne = IntStream.range(0, 101).mapToObj(i -> str("script-" + i + "-*")).collect(Collectors.joining(",", "[", "]"));
        return new Part[]{
                Part.good("all scripts", null),
                Part.good("scripts null", "null"),
                Part.good("scripts *", "[" + str("*") + "]"),
                Part.good("scripts globs", "[" + str("synchro*") + "," + str("backup") + "," + str("nightly-?") + "]"),
                Part.good("scripts 100 patterns", hundred),
                Part.good("scripts 256-char pattern", "[" + str("*a".repeat(128)) + "]"),
                Part.good("scripts regex metacharacters", "[" + String.join(",", str(".*"), str("(a|b)+$"), str("[a-z]{1,3}?"),
                        str("^backup\\d+$"), str("a**b??"), str("\\"), str("(?i)x"), str("(((((a*)*)*)*)*)!")) + "]"),
                Part.good("scripts the mask", "[" + str("********") + "]"),
                Part.good("scripts unicode", "[" + str("名前-*") + "," + str("backup-\uD83D\uDCBE") + "]"),
                Part.bad("scripts empty", "[]"),
                Part.bad("scripts 101 patterns", hundredOne),
                Part.bad("scripts 257-char pattern", "[" + str("p".repeat(257)) + "]"),
                Part.bad("scripts 600 KB pattern", "[" + str(huge('p')) + "]"),
                Part.bad("scripts empty pattern", "[" + str("") + "]"),
                Part.bad("scripts blank pattern", "[" + str("   ") + "]"),
                Part.bad("scripts NUL", "[" + str("a\u0000*") + "]"),
                Part.bad("scripts newline", "[" + str("a\n*") + "]"),
                Part.bad("scripts lone surrogate", "[" + str("a\uD800*") + "]"),
                Part.bad("scripts null entry", "[null]"),
                Part.bad("scripts number entry", "[1]"),
                Part.bad("scripts a string", str("synchro*")),
                Part.bad("scripts object", "{}"),
                Part.bad("scripts nested", "[" + nested(5_000) + "]")};
    }

    public static Part[] kindsParts() {
        return new Part[]{
                Part.good("all kinds", null),
                Part.good("kinds null", "null"),
                Part.good("kinds failed", "[" + str("failed") + "]"),
                Part.good("kinds all four", "[" + String.join(",", str("failed"), str("timeout"), str("missed"), str("recovered")) + "]"),
                Part.good("kinds recovered, missed", "[" + str("recovered") + "," + str("missed") + "]"),
                Part.bad("kinds empty", "[]"),
                Part.bad("kinds duplicated", "[" + str("failed") + "," + str("timeout") + "," + str("failed") + "]"),
                Part.bad("kinds unknown", "[" + str("exploded") + "]"),
                Part.bad("kinds in capitals", "[" + str("FAILED") + "]"),
                Part.bad("kinds digest", "[" + str("digest") + "]"),
                Part.bad("kinds test", "[" + str("test") + "]"),
                Part.bad("kinds position", "[0]"),
                Part.bad("kinds null entry", "[null]"),
                Part.bad("kinds a string", str("failed")),
                Part.bad("kinds object", "{}"),
                Part.bad("kinds 600 KB", "[" + str(huge('f')) + "]")};
    }

    public static Part[] enabledParts() {
        return new Part[]{
                Part.good("enabled missing", null),
                Part.good("enabled null", "null"),
                Part.good("enabled", "true"),
                Part.good("disabled", "false"),
                Part.bad("enabled \"true\"", str("true")),
                Part.bad("enabled \"false\"", str("false")),
                Part.bad("enabled yes", str("yes")),
                Part.bad("enabled 1", "1"),
                Part.bad("enabled 0", "0"),
                Part.bad("enabled object", "{}"),
                Part.bad("enabled array", "[true]")};
    }

    public static Part[] createdAtParts() {
        return new Part[]{
                Part.good("no createdAt", null),
                Part.good("createdAt null", "null"),
                Part.good("createdAt", str("2026-11-28T12:00:00.000Z")),
                Part.good("createdAt epoch", str("1970-01-01T00:00:00Z")),
                Part.good("createdAt last instant", str("9999-12-31T23:59:59Z")),
                Part.good("createdAt +01:00", str("2026-11-28T13:00:00+01:00")),
                Part.good("createdAt epoch ms as text", str("1795000000000")),
                Part.bad("createdAt epoch ms", "1795000000000"),
                Part.bad("createdAt year 10000", str("+10000-01-01T00:00:00Z")),
                Part.bad("createdAt before the epoch", str("1969-12-31T23:59:59Z")),
                Part.bad("createdAt words", str("yesterday")),
                Part.bad("createdAt empty", str("")),
                Part.bad("createdAt object", "{}")};
    }

    /** An unknown member, whole (name and value): a channel has none. */
    public static Part[] unknownFieldParts() {
        return new Part[]{
                Part.good("no unknown field", null),
                Part.bad("unknown x", "\"x\":1"),
                Part.bad("unknown Secret", "\"Secret\":" + str(CREDENTIAL)),
                Part.bad("unknown password", "\"password\":" + str(CREDENTIAL)),
                Part.bad("unknown createdat", "\"createdat\":" + str("2026-11-28T12:00:00Z")),
                Part.bad("unknown headers", "\"headers\":{\"Authorization\":" + str("Bearer " + CREDENTIAL) + "}"),
                Part.bad("unknown __proto__", "\"__proto__\":{\"enabled\":true}"),
                Part.bad("unknown empty name", "\"\":1"),
                Part.bad("unknown NUL name", str("a\u0000b") + ":1"),
                Part.bad("unknown 10 KB name", str("x".repeat(10_000)) + ":1"),
                Part.bad("unknown 600 KB name", str(huge('x')) + ":1"),
                Part.bad("unknown nested 5000", "\"x\":" + nested(5_000)),
                Part.bad("unknown nested 200000", "\"x\":" + nested(200_000)),
                Part.bad("unknown huge number", "\"x\":1" + "0".repeat(100_000))};
    }

    /** A field for a channel of {@code type}: one it uses, with its faults, or one it does not, which must be absent. */
    private static Arbitrary<Part> channelField(String type, String field, Part[] parts) {
        boolean used = switch (field) {
            case "url" -> !type.equals("email");
            case "secret" -> type.equals("webhook");
            case "to" -> type.equals("email");
            case "routingKey" -> type.equals("pagerduty");
            default -> true;
        };
        boolean required = switch (field) {
            case "url" -> type.equals("webhook") || type.equals("slack");
            case "to" -> type.equals("email");
            case "routingKey" -> type.equals("pagerduty");
            default -> false;
        };
        if (!used) {
            List<Part> given = Arrays.stream(parts).filter(p -> p.verdict() == Verdict.GOOD)
                    .map(p -> Part.bad(p.label() + " on a " + type + " channel", p.json())).toList();
            return Arbitraries.frequencyOf(Tuple.of(20, Arbitraries.just(Part.good("no " + field, null))),
                    Tuple.of(2, Arbitraries.just(Part.good(field + " null", "null"))), Tuple.of(1, Arbitraries.of(given)));
        }
        List<Part> all = new ArrayList<>(Arrays.asList(parts));
        all.add(required ? Part.bad(field + " missing", null) : Part.good("no " + field, null));
        all.add(required ? Part.bad(field + " null", "null") : Part.good(field + " null", "null"));
        return leaning(10, all.toArray(new Part[0]));
    }

    /** Channel names as keys: a few that recur, so that records replace each other, and every other kind of id. */
    static Arbitrary<Part> channelKeys() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(Part.good("key ops-hook", "ops-hook"), Part.good("key ops-slack", "ops-slack"),
                        Part.good("key pager", "pager"), Part.good("key inbox", "inbox"))),
                Tuple.of(3, ids("bad-name").map(HostileInputs::asKey)),
                Tuple.of(1, Arbitraries.of(Part.bad("no key", null), Part.either("invalid UTF-8 key", "\uFFFF-bytes:ff fe 00"))));
    }

    /** The name in the value: the key's, left out, or another. */
    static Arbitrary<Part> channelNames() {
        return leaning(10,
                Part.good("name = key", "=KEY"),
                Part.good("no name", null),
                Part.good("name null", "null"),
                Part.bad("name another", str("another-channel")),
                Part.bad("name the key in capitals", "=UPPER"),
                Part.bad("name number", "42"),
                Part.bad("name array", "[\"ops-hook\"]"),
                Part.bad("name 600 KB", str(huge('n'))));
    }

    /**
     * Records of notification-channels: every field of a channel, hostile or not, for a type chosen first (so that the
     * fields it uses are there most of the time); whole values that are no channel; and tombstones.
     */
    public static Arbitrary<Hostile> channels() {
        Arbitrary<Hostile> shaped = Combinators.combine(channelKeys(), channelNames(), channelBodies()).as(HostileInputs::channel);
        Arbitrary<Hostile> tombstones = channelKeys().map(key -> new Hostile("tombstone, " + key.label(), keyBytes(key), null,
                List.of(), key.verdict(), Set.of(), List.of()));
        Arbitrary<Hostile> oddities = Arbitraries.of(channelOddities()).map(value -> combineWhole(Part.good("key ops-hook", "ops-hook"), value));
        return Arbitraries.frequencyOf(Tuple.of(16, shaped), Tuple.of(1, tombstones), Tuple.of(1, wholeGlobalValues("channel-")),
                        Tuple.of(1, oddities))
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    /** Values that are no channel object, or one written oddly: a JSON value of another kind, a field twice, trailing text. */
    public static Part[] channelOddities() {
        return new Part[]{
                Part.bad("value {}", "{}"),
                Part.bad("value with type twice", "{\"type\":\"webhook\",\"type\":\"slack\",\"url\":" + str(CHANNEL_URL) + "}"),
                Part.bad("value with trailing garbage", "{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL) + "} {}"),
                Part.bad("value of two objects", "{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL) + "}{\"type\":\"slack\"}"),
                Part.bad("value truncated", "{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL)),
                Part.bad("value with a raw NUL", "{\"type\":\"webhook\",\"url\":\"" + CHANNEL_URL + "\u0000\"}"),
                Part.bad("value of 600 KB of {\"a\":", "{\"a\":".repeat(HUGE / 5)),
                Part.bad("value not json", "not json"),
                Part.bad("value null", "null"),
                Part.bad("value array", "[{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL) + "}]"),
                Part.bad("value string", str("webhook")),
                Part.bad("value nested 200000", nested(200_000)),
                Part.either("value with a byte order mark", "\uFEFF{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL) + "}"),
                Part.either("value in UTF-16", "\uFFFE{\"type\":\"webhook\",\"url\":" + str(CHANNEL_URL) + "}"),
                Part.bad("value CESU surrogate", "\uFFFF" + hex(("{\"type\":\"webhook\",\"url\":\"" + CHANNEL_URL + "\",\"secret\":\"a")
                        .getBytes(StandardCharsets.UTF_8)) + "eda080" + hex("\"}".getBytes(StandardCharsets.UTF_8)))};
    }

    /**
     * The fields of a channel as parts, by name (a part whose json is null is left out), in the order a channel has them;
     * and an unknown member, whole.
     */
    public record ChannelBody(Part type, Map<String, Part> fields, Part unknown) {
        public List<Part> parts() {
            List<Part> parts = new ArrayList<>();
            parts.add(type);
            parts.addAll(fields.values());
            parts.add(unknown);
            return parts;
        }

        /** The JSON object, with {@code name} (JSON, null: left out) first and the unknown member in the middle. */
        public String json(String name) {
            List<String> members = new ArrayList<>();
            addField(members, "name", name);
            addField(members, "type", type);
            fields.forEach((field, part) -> addField(members, field, part));
            if (unknown.json() != null) {
                members.add(members.size() / 2, unknown.json());
            }
            return "{" + String.join(",", members) + "}";
        }

        public String label() {
            return String.join(", ", parts().stream().map(Part::label).toList());
        }
    }

    /** Channel values: a type first (so that the fields it uses are there most of the time), then every field, hostile or not. */
    public static Arbitrary<ChannelBody> channelBodies() {
        // built once, not once a value: several parts are 600 KB strings escaped a character at a time
        Part[] url = urlParts();
        Part[] secret = secretParts();
        Part[] to = toParts();
        Part[] routingKey = routingKeyParts();
        Arbitrary<List<Part>> choices = Combinators.combine(leaning(10, scriptsParts()), leaning(10, kindsParts()),
                leaning(10, enabledParts()), leaning(10, createdAtParts())).as(List::of);
        Arbitrary<Part> unknowns = leaning(12, unknownFieldParts());
        return channelTypes().flatMap(type -> {
            String t = type.verdict() == Verdict.GOOD ? Json.read(type.json(), String.class) : "webhook";
            Arbitrary<List<Part>> targets = Combinators.combine(channelField(t, "url", url),
                    channelField(t, "secret", secret), channelField(t, "to", to),
                    channelField(t, "routingKey", routingKey)).as(List::of);
            return Combinators.combine(targets, choices, unknowns).as((target, choice, unknown) -> {
                Map<String, Part> fields = new LinkedHashMap<>();
                List<String> names = List.of("url", "secret", "to", "routingKey", "scripts", "kinds", "enabled", "createdAt");
                for (int i = 0; i < names.size(); i++) {
                    fields.put(names.get(i), i < 4 ? target.get(i) : choice.get(i - 4));
                }
                return new ChannelBody(type, fields, unknown);
            });
        });
    }

    private static Hostile channel(Part key, Part name, ChannelBody body) {
        String keyText = key.json() == null || key.json().startsWith("\uFFFF") ? null : key.json();
        Part named = switch (String.valueOf(name.json())) {
            case "=KEY" -> keyText == null ? Part.good("no name (no key)", null) : new Part(name.label(), str(keyText),
                    name.verdict(), name.reasons(), name.longText());
            case "=UPPER" -> keyText == null || keyText.toUpperCase(java.util.Locale.ROOT).equals(keyText)
                    ? Part.bad("name another", str("another-channel"))
                    : new Part(name.label(), str(keyText.toUpperCase(java.util.Locale.ROOT)), name.verdict(), name.reasons(), name.longText());
            default -> name;
        };
        List<Part> parts = new ArrayList<>(List.of(key, named));
        parts.addAll(body.parts());
        return combine(key.label() + ", " + named.label() + ", " + body.label(), keyBytes(key),
                body.json(named.json()).getBytes(StandardCharsets.UTF_8), List.of(), parts, "");
    }

    // ---- <application>-alert-outcomes ------------------------------------------------------------------------

    private static final String[] BAD_OUTCOME = {"bad-alert-outcome"};
    /** A cron job's sweep id, as runwarden makes it from a name of 256 characters: 271 characters. */
    static final String LONG_JOB_SWEEP = "j".repeat(256) + "-20261128T0200Z";
    /** A missed slot's runId, as runwarden makes it from a script of 256 characters. */
    static final String LONG_MISSED_RUN = "s".repeat(256) + "@2026-11-28T12:05:00Z";

    private static Arbitrary<Part> outcomeRunIds() {
        return leaning(8,
                Part.good("runId", str("run-" + UUID.randomUUID())),
                Part.good("runId 256 chars", str("r".repeat(256))),
                Part.good("runId of a missed slot of a 256-char script", str(LONG_MISSED_RUN)),
                Part.good("runId cjk", str("名前-run")),
                Part.either("runId number", "42"),
                Part.bad("runId missing", null, BAD_OUTCOME),
                Part.bad("runId null", "null", BAD_OUTCOME),
                Part.bad("runId empty", str(""), BAD_OUTCOME),
                Part.bad("runId blank", str("  "), BAD_OUTCOME),
                Part.bad("runId 257 chars", str(LONG_257), BAD_OUTCOME).quoting(LONG_257),
                Part.bad("runId 600 KB", str(HUGE_NAME), BAD_OUTCOME).quoting(HUGE_NAME),
                Part.bad("runId NUL", str("run\u0000"), BAD_OUTCOME),
                Part.bad("runId newline", str("run\nforged"), BAD_OUTCOME),
                Part.bad("runId lone surrogate", str("run\uD800"), BAD_OUTCOME),
                Part.bad("runId object", "{}", BAD_OUTCOME),
                Part.bad("runId array", "[\"run\"]", BAD_OUTCOME));
    }

    private static Arbitrary<Part> outcomeReasons() {
        return leaning(8,
                Part.good("succeeded", null),
                Part.good("reason null", "null"),
                Part.good("reason error", str("error")),
                Part.good("reason timeout", str("timeout")),
                Part.good("reason missed", str("missed")),
                Part.bad("reason exploded", str("exploded"), BAD_OUTCOME),
                Part.bad("reason ERROR", str("ERROR"), BAD_OUTCOME),
                Part.bad("reason empty", str(""), BAD_OUTCOME),
                Part.bad("reason position", "1", BAD_OUTCOME),
                Part.bad("reason 600 KB", str(huge('e')), BAD_OUTCOME),
                Part.bad("reason object", "{}", BAD_OUTCOME));
    }

    private static Arbitrary<Part> outcomeTimes() {
        return leaning(8,
                Part.good("time", str("2026-11-28T11:59:00.000Z")),
                Part.good("time without millis", str("2026-11-28T11:00:00Z")),
                Part.good("time +14:00", str("2026-11-29T01:00:00+14:00")),
                Part.good("time epoch", str("1970-01-01T00:00:00Z")),
                Part.good("time last instant", str("9999-12-31T23:59:59Z")),
                Part.bad("time missing", null, BAD_OUTCOME),
                Part.bad("time null", "null", BAD_OUTCOME),
                Part.bad("time year 10000", str("+10000-01-01T00:00:00Z"), BAD_OUTCOME),
                Part.bad("time year 300000000", str("+300000000-01-01T00:00:00Z"), BAD_OUTCOME),
                Part.bad("time before the epoch", str("1969-12-31T23:59:59Z"), BAD_OUTCOME),
                Part.bad("time epoch ms", "1795000000000", BAD_OUTCOME),
                Part.bad("time Long.MAX", String.valueOf(Long.MAX_VALUE), BAD_OUTCOME),
                Part.bad("time words", str("yesterday"), BAD_OUTCOME),
                Part.bad("time empty", str(""), BAD_OUTCOME),
                Part.bad("time 600 KB", str("2" + huge('0')), BAD_OUTCOME).quoting("2" + huge('0')),
                Part.bad("time object", "{}", BAD_OUTCOME),
                Part.bad("time array", "[2026]", BAD_OUTCOME));
    }

    private static Arbitrary<Part> outcomeMessages() {
        String limit = "m".repeat(Bounds.MAX_MESSAGE_CHARS);
        return leaning(8,
                Part.good("no message", null),
                Part.good("message", str("exit 3")),
                Part.good("message 8,192 chars", str(limit)),
                Part.good("message controls", str("line1\nline2\u0000\u001b[2J\r")),
                Part.either("message lone surrogate", str("half \uD83D pair")),
                Part.either("message number", "42"),
                Part.bad("message 8,193 chars", str(limit + "m"), BAD_OUTCOME),
                Part.bad("message 600 KB", str(huge('m')), BAD_OUTCOME),
                Part.bad("message object", "{\"text\":\"x\"}", BAD_OUTCOME));
    }

    /**
     * A sweepId or checkId: the id of a batch, one runwarden makes from a name (a job's sweep) included, and one a sweep
     * request may give (up to 320 characters, the first 256 within an id's bounds).
     */
    private static Part[] batchIdParts(String field) {
        return new Part[]{
                Part.good(field + " uuid", str("sweep-" + UUID.randomUUID())),
                Part.good(field + " of a check", str("check-20261128T115950Z-0")),
                Part.good(field + " of a 256-char job's sweep", str(LONG_JOB_SWEEP)),
                Part.good(field + " 320 chars", str("w".repeat(320))),
                Part.either(field + " NUL after 256 chars", str("w".repeat(300) + "\u0000")),
                Part.either(field + " number", "42"),
                Part.bad(field + " empty", str(""), BAD_OUTCOME),
                Part.bad(field + " blank", str("   "), BAD_OUTCOME),
                Part.bad(field + " 321 chars", str("w".repeat(321)), BAD_OUTCOME).quoting("w".repeat(321)),
                Part.bad(field + " 600 KB", str(HUGE_NAME), BAD_OUTCOME).quoting(HUGE_NAME),
                Part.bad(field + " NUL", str("sweep\u0000"), BAD_OUTCOME),
                Part.bad(field + " newline", str("sweep\nforged"), BAD_OUTCOME),
                Part.bad(field + " object", "{}", BAD_OUTCOME)};
    }

    private static Arbitrary<Part> outcomeBatchIds(String field) {
        List<Part> parts = new ArrayList<>(Arrays.asList(batchIdParts(field)));
        parts.add(Part.good("no " + field, null));
        parts.add(Part.good(field + " null", "null"));
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(Part.good("no " + field, null))),
                Tuple.of(4, leaning(3, parts.toArray(new Part[0]))));
    }

    private static Arbitrary<Part> outcomeExtras() {
        return Arbitraries.frequencyOf(Tuple.of(12, Arbitraries.just(Part.good("no extra", null))), Tuple.of(1, Arbitraries.of(
                Part.good("extra field", "\"x\":1"),
                Part.good("extra nested 50", "\"x\":" + nested(50)),
                Part.either("extra nested 5000", "\"x\":" + nested(5_000)),
                Part.either("extra nested 200000", "\"x\":" + nested(200_000)),
                Part.either("extra huge number", "\"x\":1" + "0".repeat(100_000)))));
    }

    /**
     * Records of the alert outcomes, which only runwarden writes but anyone with access to the broker may: outcomes of
     * runs with every field hostile, keyed by their script or not; ends of batches (header {@code runwarden.batch-done})
     * with hostile ids and partitions, for a topology of one run partition; values that are neither.
     */
    public static Arbitrary<Hostile> alertOutcomes() {
        Arbitrary<String> keyed = Arbitraries.frequency(Tuple.of(16, "same"), Tuple.of(1, "other"), Tuple.of(1, "no key"),
                Tuple.of(1, "no scriptName"), Tuple.of(1, "scriptName array"));
        Arbitrary<List<Part>> batches = Combinators.combine(outcomeBatchIds("sweepId"), outcomeBatchIds("checkId"), outcomeExtras())
                .as(List::of);
        Arbitrary<Hostile> outcomes = Combinators.combine(ids("bad-alert-outcome"), keyed, outcomeRunIds(), outcomeReasons(),
                outcomeTimes(), outcomeMessages(), batches).as(HostileInputs::outcome);
        Arbitrary<Part> partitions = leaning(6,
                Part.good("partition 0", "0"),
                Part.either("partition missing", null),
                Part.either("partition null", "null"),
                Part.either("partition \"0\"", str("0")),
                Part.either("partition 0.5", "0.5"),
                Part.bad("partition -1", "-1", BAD_OUTCOME),
                Part.bad("partition 1 (of 1)", "1", BAD_OUTCOME),
                Part.bad("partition 1.5", "1.5", BAD_OUTCOME),
                Part.bad("partition 2147483647", "2147483647", BAD_OUTCOME),
                Part.bad("partition 2147483648", "2147483648", BAD_OUTCOME),
                Part.bad("partition text", str("zero"), BAD_OUTCOME),
                Part.bad("partition object", "{}", BAD_OUTCOME));
        Arbitrary<Part> batchIds = leaning(6, concat(batchIdParts("batchId"),
                Part.bad("batchId missing", null, BAD_OUTCOME), Part.bad("batchId null", "null", BAD_OUTCOME)));
        Arbitrary<String> headerValues = Arbitraries.of("", "1", "true", "\u0000", "x".repeat(10_000));
        Arbitrary<Hostile> ends = Combinators.combine(batchIds, partitions, headerValues, Arbitraries.of("batchId", "other", "none"))
                .as((batchId, partition, headerValue, key) -> {
                    List<String> fields = new ArrayList<>();
                    addField(fields, "batchId", batchId);
                    addField(fields, "partition", partition);
                    String keyText = switch (key) {
                        case "batchId" -> batchId.json() == null || !batchId.json().startsWith("\"") ? "no-batch"
                                : Json.read(batchId.json(), String.class);
                        case "other" -> "another-batch";
                        default -> null;
                    };
                    List<Header> headers = List.of(new RecordHeader(BatchDone.HEADER, headerValue.getBytes(StandardCharsets.UTF_8)));
                    return combine("batch end " + batchId.label() + ", " + partition.label() + ", header " + describe(headerValue)
                                    + ", keyed by " + key, keyText == null ? null : keyText.getBytes(StandardCharsets.UTF_8),
                            ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8), headers,
                            List.of(batchId, partition), "");
                });
        Arbitrary<Hostile> garbage = Combinators.combine(Arbitraries.of(
                                Part.bad("null value", null, BAD_OUTCOME),
                                Part.bad("empty value", "", BAD_OUTCOME),
                                Part.bad("not json", "not json", BAD_OUTCOME),
                                Part.bad("json null", "null", BAD_OUTCOME),
                                Part.bad("json array", "[{\"runId\":\"r\",\"scriptName\":\"s\"}]", BAD_OUTCOME),
                                Part.bad("json string", str("failed"), BAD_OUTCOME),
                                Part.bad("json number", "42", BAD_OUTCOME),
                                Part.bad("truncated", "{\"runId\":\"r\",\"scriptName\":\"s", BAD_OUTCOME),
                                Part.bad("600 KB of [", "[".repeat(HUGE), BAD_OUTCOME),
                                Part.bad("nested 200000", nested(200_000), BAD_OUTCOME),
                                Part.bad("a batch's end without its header", "{\"batchId\":\"sweep-1\",\"partition\":0}", BAD_OUTCOME),
                                Part.bad("an outcome with the batch-done header", "\uFFFD{\"runId\":\"r\",\"scriptName\":\"s\","
                                        + "\"reason\":\"error\",\"time\":\"2026-11-28T11:59:00Z\"}", BAD_OUTCOME),
                                Part.bad("an empty object", "{}", BAD_OUTCOME)),
                        Arbitraries.of("s", "garbage-" + UUID.randomUUID()))
                .as((value, key) -> {
                    boolean header = value.json() != null && value.json().startsWith("\uFFFD");
                    String json = header ? value.json().substring(1) : value.json();
                    return combine(value.label() + ", keyed " + key, key.getBytes(StandardCharsets.UTF_8),
                            json == null ? null : json.getBytes(StandardCharsets.UTF_8),
                            header ? List.of(new RecordHeader(BatchDone.HEADER, new byte[0])) : List.of(), List.of(value), "");
                });
        return Arbitraries.frequencyOf(Tuple.of(6, outcomes), Tuple.of(2, ends), Tuple.of(1, garbage))
                .filter(h -> h.size() <= MAX_INPUT_BYTES);
    }

    private static Hostile outcome(Part script, String keyed, Part runId, Part reason, Part time, Part message, List<Part> batches) {
        Part keyPart = switch (keyed) {
            case "same" -> Part.good("keyed by its script", script.json());
            case "other" -> Part.bad("keyed by another script", "someone-else", BAD_OUTCOME);
            case "no key" -> Part.bad("no key", null, BAD_OUTCOME);
            default -> Part.good("keyed by its script", script.json());
        };
        String scriptField = switch (keyed) {
            case "no scriptName" -> null;
            case "scriptName array" -> "[" + str(script.json()) + "]";
            default -> str(script.json());
        };
        Part named = switch (keyed) {
            case "no scriptName" -> Part.bad("no scriptName", null, BAD_OUTCOME);
            case "scriptName array" -> Part.bad("scriptName array", null, BAD_OUTCOME);
            // a name that UTF-8 cannot carry arrives in the key as '?': the key is not the name
            default -> new Part("scriptName " + script.label(), null, script.verdict(), script.reasons(), script.longText());
        };
        List<String> fields = new ArrayList<>();
        addField(fields, "runId", runId);
        addField(fields, "scriptName", scriptField);
        addField(fields, "reason", reason);
        addField(fields, "time", time);
        addField(fields, "message", message);
        addField(fields, "sweepId", batches.get(0));
        addField(fields, "checkId", batches.get(1));
        if (batches.get(2).json() != null) {
            fields.add(fields.size() / 2, batches.get(2).json());
        }
        List<Part> parts = new ArrayList<>(List.of(keyPart, named, runId, reason, time, message));
        parts.addAll(batches);
        return combine(String.join(", ", parts.stream().map(Part::label).toList()), keyBytes(keyPart),
                ("{" + String.join(",", fields) + "}").getBytes(StandardCharsets.UTF_8), List.of(), parts, "");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** A missed-slot record or an answer to a check: a verdict on slots, not a question the stream answers itself. */
    public static boolean carriesAVerdict(Hostile record) {
        return record.headers().stream().anyMatch(h -> h.key().equals(ControlRecord.HEADER) && h.value() != null
                && Set.of("missed-slot", "start-check-part").contains(new String(h.value(), StandardCharsets.UTF_8)));
    }

    /** A label for a value, at most 60 characters of it. */
    static String describe(String value) {
        if (value == null) {
            return "null";
        }
        String shown = value.length() > 60 ? value.substring(0, 60) + "…(" + value.length() + ")" : value;
        StringBuilder out = new StringBuilder();
        shown.chars().forEach(c -> out.append(c < 0x20 || Character.isSurrogate((char) c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return "'" + out + "'";
    }

    private static Part[] concat(Part[] parts, Part... more) {
        Part[] all = Arrays.copyOf(parts, parts.length + more.length);
        System.arraycopy(more, 0, all, parts.length, more.length);
        return all;
    }

    private static String[] concat(String first, String... more) {
        String[] all = new String[more.length + 1];
        all[0] = first;
        System.arraycopy(more, 0, all, 1, more.length);
        return all;
    }

    private static String hex(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        for (byte b : bytes) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }

    private static byte[] unhex(String hex) {
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
