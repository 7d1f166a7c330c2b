package io.runwarden.runs;

import io.runwarden.kafka.StoreNames;
import io.runwarden.model.FailureReason;
import io.runwarden.model.Json;
import io.runwarden.model.RunJson;
import io.runwarden.model.RunRecord;
import io.runwarden.sweep.SweepWrites;
import io.runwarden.model.RunStatus;
import io.runwarden.model.RunTimes;
import io.runwarden.model.ScriptStats;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The reading side of the run read model held to a brute-force specification. Runs are spread over one to six
 * partitions, each with its own runs store and index store written through {@link RunIndexes}; then
 * <ul>
 *   <li>paging a logs query through {@link LocalRuns#logs} with {@code nextCursor} until it is null yields exactly the
 *   runs that match, newest first by sort time's millisecond and then by runId, each once, every page but the last
 *   {@code limit} long;</li>
 *   <li>the same holds when the partitions are split between two instances whose pages {@link LogsPage#merge} joins;</li>
 *   <li>{@link LocalRuns#scriptStats} and {@link LocalRuns#due} are what counting the runs one by one gives;</li>
 *   <li>runIds that sort one way as Java strings and the other as the stores' UTF-8 bytes page the same way.</li>
 * </ul>
 * Start times often share a millisecond, so the runId decides; runIds go beyond ASCII. A run may be written more than
 * once (its script name filled in later, its start arriving after a heartbeat), as the transitions do.
 */
class LogsPagesProperties {
    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final List<String> SCRIPTS = List.of("backup", "sync", "été", "ｚ-job");
    /**
     * Id shapes: ASCII, Latin-1, CJK and beyond the BMP (a surrogate pair), whose order is the same as Java strings and
     * as UTF-8 bytes. The shapes where the two orders part have a property of their own, which names that cause.
     */
    private static final List<String> ID_SHAPES = List.of("r", "run-", "é", "中", "\uD83D\uDE00");
    /**
     * Shapes whose order as Java strings (UTF-16 code units) is not their order as the stores' UTF-8 bytes (code
     * points): a surrogate pair (U+D83D...) sorts before U+E000..U+FFFD as a String, after them as bytes.
     */
    private static final List<String> CROSSING_SHAPES = List.of("r", "中", "\uD83D\uDE00", "\uD83E\uDD80", "ｚ", "\uE000", "\uFB01");

    /** One run as generated: its final state, and how many earlier states were indexed before it. */
    record Spec(String runId, int script, RunStatus status, int timeKind, long timeMs, Long deadlineMs, int partition,
                int earlier) {
        String scriptName() {
            return script < 0 ? null : SCRIPTS.get(script);
        }

        RunRecord record() {
            Instant time = T0.plusMillis(timeMs);
            boolean open = status == RunStatus.IN_PROGRESS;
            Instant start = timeKind == 0 ? time : null;
            Instant heartbeat = timeKind == 1 ? time : timeKind == 0 && open ? time.plusSeconds(30) : null;
            Instant end = timeKind == 2 ? time : timeKind == 0 && !open ? time.plusSeconds(60) : null;
            Instant deadline = open && deadlineMs != null ? T0.plusMillis(deadlineMs) : null;
            FailureReason reason = status == RunStatus.FAILED ? FailureReason.ERROR : null;
            return new RunRecord(runId, scriptName(), status, start, end, "m", reason, deadline, heartbeat, null, null, null);
        }

        /**
         * The states before the final one: in progress, known only by a later heartbeat (the start arrives after it
         * and moves the run back in the listings), the script name not yet known in the first of two.
         */
        List<RunRecord> history() {
            List<RunRecord> states = new ArrayList<>();
            for (int i = 0; i < earlier; i++) {
                Instant heartbeat = T0.plusMillis(timeMs + 1_000L * (earlier - i));
                states.add(new RunRecord(runId, earlier == 2 && i == 0 ? null : scriptName(), RunStatus.IN_PROGRESS,
                        null, null, "m", null, T0.plusMillis(i * 7L), heartbeat, null, null, null));
            }
            return states;
        }
    }

    /** A logs query as generated: indexes into {@link #SCRIPTS} (-1 for none), bounds in ms from T0 (null for none). */
    record Query(int script, RunStatus status, Long fromMs, Long toMs, int subMillis, int limit) {
        String scriptName() {
            return script < 0 ? null : SCRIPTS.get(script);
        }

        Instant from() {
            return fromMs == null ? null : T0.plusMillis(fromMs).plusNanos(subMillis);
        }

        Instant to() {
            return toMs == null ? null : T0.plusMillis(toMs).plusNanos(subMillis);
        }

        LogsQuery page(String cursor) {
            return new LogsQuery(scriptName(), status, from(), to(), limit, cursor);
        }

        /** What the query matches: filters on the sort time's millisecond, bounds inclusive. */
        boolean matches(RunRecord run) {
            long millis = millis(RunTimes.sortTime(run));
            return (script < 0 || scriptName().equals(run.scriptName()))
                    && (status == null || run.status() == status)
                    && (fromMs == null || millis >= millis(from()))
                    && (toMs == null || millis <= millis(to()));
        }
    }

    // ---------------------------------------------------------------- properties

    @Property(tries = 100)
    void pagingThroughOneInstanceYieldsEveryMatchingRunOnceNewestFirst(@ForAll("runs") List<Spec> specs,
                                                                      @ForAll @IntRange(min = 1, max = 6) int partitions,
                                                                      @ForAll("queries") Query query) {
        Cluster cluster = new Cluster(specs, partitions);
        LocalRuns local = cluster.instance(cluster.all());

        List<LogsPage> pages = pageThrough(query, cursor -> local.logs(query.page(cursor)), specs.size());

        assertPages(pages, query, cluster);
    }

    @Property(tries = 100)
    void pagingThroughTwoInstancesMergedYieldsEveryMatchingRunOnceNewestFirst(
            @ForAll("runs") List<Spec> specs, @ForAll @IntRange(min = 1, max = 6) int partitions,
            @ForAll("queries") Query query, @ForAll @IntRange(min = 0, max = 63) int split, @ForAll boolean swap) {
        Cluster cluster = new Cluster(specs, partitions);
        List<Integer> first = new ArrayList<>();
        List<Integer> second = new ArrayList<>();
        for (int p : cluster.all()) {
            ((split >> p & 1) == 0 ? first : second).add(p);
        }
        LocalRuns a = cluster.instance(first);
        LocalRuns b = cluster.instance(second);

        List<LogsPage> pages = pageThrough(query, cursor -> {
            LogsPage pageA = a.logs(query.page(cursor));
            LogsPage pageB = b.logs(query.page(cursor));
            return LogsPage.merge(swap ? List.of(pageB, pageA) : List.of(pageA, pageB), query.limit());
        }, specs.size());

        assertPages(pages, query, cluster);
    }

    @Property(tries = 100)
    void scriptStatsAndDueRunsAreWhatCountingTheRunsGives(@ForAll("runs") List<Spec> specs,
                                                         @ForAll @IntRange(min = 1, max = 6) int partitions,
                                                         @ForAll @IntRange(min = -5, max = 40) int asOfMs,
                                                         @ForAll boolean subMillis,
                                                         @ForAll @IntRange(min = 0, max = 12) int limit) {
        Cluster cluster = new Cluster(specs, partitions);
        assertStatsAndDueRuns(cluster, cluster.instance(cluster.all()), asOfMs, subMillis, limit);
    }

    /**
     * Partitions whose indexes are being rebuilt (stale entries not yet cleared, or some runs indexed and others not)
     * are read from their runs: every page, the stats and the due runs are what the complete indexes give.
     */
    @Property(tries = 100)
    void partitionsWhoseIndexesAreBeingRebuiltPageTheSameFromTheirRuns(@ForAll("runs") List<Spec> specs,
                                                                      @ForAll @IntRange(min = 1, max = 6) int partitions,
                                                                      @ForAll("queries") Query query,
                                                                      @ForAll @IntRange(min = 1, max = 63) int rebuilding,
                                                                      @ForAll @IntRange(min = 0, max = 200) int steps) {
        Cluster cluster = new Cluster(specs, partitions);
        long partly = cluster.rebuild(rebuilding, steps);
        LocalRuns local = cluster.instance(cluster.all());
        assertThat(local.partitionsRebuilding()).as("partitions being rebuilt").isEqualTo(partly);

        assertPages(pageThrough(query, cursor -> local.logs(query.page(cursor)), specs.size()), query, cluster);
    }

    /** One partition, not rebuilt at all: every page comes from its runs, and each must say whether another follows. */
    @Property(tries = 50)
    void aPartitionBeingRebuiltAloneSaysWhenAnotherPageFollows(@ForAll("runs") List<Spec> specs,
                                                               @ForAll @IntRange(min = 1, max = 3) int limit) {
        Cluster cluster = new Cluster(specs, 1);
        cluster.rebuild(1, 0);
        LocalRuns local = cluster.instance(cluster.all());
        Query query = new Query(-1, null, null, null, 0, limit);

        assertPages(pageThrough(query, cursor -> local.logs(query.page(cursor)), specs.size()), query, cluster);
    }

    /** A pass over every run is dear: while one read makes it, another waits for it, and answers 503 past its wait. */
    @Example
    void oneReadAtATimePassesOverTheRuns() throws Exception {
        Cluster cluster = twoRunsBeingRebuilt();
        CountDownLatch passing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Function<ReadOnlyKeyValueStore<String, RunRecord>, ReadOnlyKeyValueStore<String, RunRecord>> held =
                runs -> new HeldPass(runs, passing, release);
        LocalRuns local = cluster.instance(cluster.all(), held, 10, Duration.ofMillis(100));
        LogsQuery query = new LogsQuery(null, null, null, null, 10, null);

        CompletableFuture<LogsPage> first = CompletableFuture.supplyAsync(() -> local.logs(query));
        assertThat(passing.await(30, TimeUnit.SECONDS)).as("the first read is passing over the runs").isTrue();
        assertThatThrownBy(local::scriptStats).as("past its wait").isInstanceOf(InvalidStateStoreException.class);
        assertThat(local.runsInProgress()).as("a scrape passes over no runs: the partition counts as none").isZero();
        release.countDown();

        assertThat(ids(first.get(30, TimeUnit.SECONDS).logs())).containsExactly("r2", "r1");
        assertThat(local.scriptStats()).as("read again once the first is done").containsOnlyKeys("backup", "sync");
    }

    @Example
    void aReadWaitsForAnotherOnesPassToEnd() throws Exception {
        Cluster cluster = twoRunsBeingRebuilt();
        CountDownLatch passing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        LocalRuns local = cluster.instance(cluster.all(), runs -> new HeldPass(runs, passing, release), 10,
                Duration.ofSeconds(30));
        LogsQuery query = new LogsQuery(null, null, null, null, 10, null);

        CompletableFuture<LogsPage> first = CompletableFuture.supplyAsync(() -> local.logs(query));
        assertThat(passing.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Map<String, ScriptStats>> second = CompletableFuture.supplyAsync(local::scriptStats);
        release.countDown();

        assertThat(second.get(30, TimeUnit.SECONDS)).containsOnlyKeys("backup", "sync");
        assertThat(ids(first.get(30, TimeUnit.SECONDS).logs())).containsExactly("r2", "r1");
    }

    /** A run is read from a partition held here as an active task only: another's store may be a standby's copy. */
    @Example
    void aRunOfAPartitionNotHeldHereAnswersAsAStoreThatMoved() {
        Cluster cluster = twoRunsBeingRebuilt();
        RunRecord run = cluster.runs().get(0);
        int partition = cluster.partitionOf(run);
        LocalRuns holder = cluster.instance(List.of(partition));
        LocalRuns other = cluster.instance(cluster.all().stream().filter(p -> p != partition).toList());

        assertThat(holder.run(run.runId(), partition)).map(RunRecord::runId).hasValue(run.runId());
        assertThatThrownBy(() -> other.run(run.runId(), partition)).isInstanceOf(InvalidStateStoreException.class)
                .hasMessageContaining("not held here");
    }

    /** Beyond the runs a read may pass over, it answers 503 at once, as before reads could pass over runs. */
    @Example
    void tooManyRunsToPassOverAnswersAsInARebalance() {
        Cluster cluster = twoRunsBeingRebuilt();
        LocalRuns few = cluster.instance(cluster.all(), Function.identity(), 1, Duration.ofSeconds(30));
        LocalRuns enough = cluster.instance(cluster.all(), Function.identity(), 2, Duration.ofSeconds(30));
        LogsQuery query = new LogsQuery(null, null, null, null, 10, null);

        assertThatThrownBy(() -> few.logs(query)).isInstanceOf(InvalidStateStoreException.class)
                .hasMessageContaining("too many");
        assertThatThrownBy(few::scriptStats).isInstanceOf(InvalidStateStoreException.class);
        assertThatThrownBy(() -> few.due(T0, 10)).isInstanceOf(InvalidStateStoreException.class);
        assertThat(ids(enough.logs(query).logs())).containsExactly("r2", "r1");
        assertThat(enough.due(T0.plusMillis(3), 10).total()).isEqualTo(1);
    }

    /**
     * A run that changes after a pass read it, before the page is made, cannot cut the paging short: the page takes
     * the runs the pass read, whatever the store says by then.
     */
    @Example
    void aRunThatEndsAfterThePassReadItLeavesNoMatchingRunUnpaged() {
        List<Spec> specs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            specs.add(new Spec("r" + i, 0, RunStatus.IN_PROGRESS, 0, 100 - i, 1_000L, 0, 0));
        }
        Cluster cluster = new Cluster(specs, 1);
        cluster.rebuild(1, 0);
        Set<String> ended = ConcurrentHashMap.newKeySet();
        LocalRuns local = cluster.instance(cluster.all(), runs -> new EndedSince(runs, ended), 100, Duration.ofSeconds(30));

        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            LogsPage page = local.logs(new LogsQuery(null, RunStatus.IN_PROGRESS, null, null, 3, cursor));
            seen.addAll(ids(page.logs()));
            cursor = page.nextCursor();
            ended.add("r4"); // ended by the stream thread after this pass: the next pass may still have read it open
        } while (cursor != null);

        assertThat(seen).as("every run in progress at the first page but r4, in order")
                .containsSubsequence("r0", "r1", "r2", "r3", "r5", "r6", "r7", "r8", "r9");
    }

    private static Cluster twoRunsBeingRebuilt() {
        List<Spec> specs = List.of(new Spec("r1", 0, RunStatus.SUCCESS, 0, 5, null, 0, 0),
                new Spec("r2", 1, RunStatus.IN_PROGRESS, 0, 6, 3L, 0, 0));
        Cluster cluster = new Cluster(specs, 1);
        cluster.rebuild(1, 0);
        return cluster;
    }

    @Property(tries = 100)
    void partitionsWhoseIndexesAreBeingRebuiltCountTheSameFromTheirRuns(@ForAll("runs") List<Spec> specs,
                                                                       @ForAll @IntRange(min = 1, max = 6) int partitions,
                                                                       @ForAll @IntRange(min = -5, max = 40) int asOfMs,
                                                                       @ForAll boolean subMillis,
                                                                       @ForAll @IntRange(min = 0, max = 12) int limit,
                                                                       @ForAll @IntRange(min = 1, max = 63) int rebuilding,
                                                                       @ForAll @IntRange(min = 0, max = 200) int steps) {
        Cluster cluster = new Cluster(specs, partitions);
        cluster.rebuild(rebuilding, steps);
        LocalRuns local = cluster.instance(cluster.all());
        assertStatsAndDueRuns(cluster, local, asOfMs, subMillis, limit);
        assertThat(local.scriptStats()).as("read again while rebuilding").isEqualTo(local.scriptStats());
        long open = cluster.runs().stream().filter(run -> run.inProgress() && run.scriptName() != null
                && !cluster.rebuilding().contains(cluster.partitionOf(run))).count();
        assertThat(local.runsInProgress()).as("a scrape passes over no runs: partitions being rebuilt count as none")
                .isEqualTo(open);
    }

    private static void assertStatsAndDueRuns(Cluster cluster, LocalRuns local, int asOfMs, boolean subMillis, int limit) {
        List<RunRecord> runs = cluster.runs();

        // per script: counts, the first run in the logs' order, the earliest sort time of its runs in progress
        Map<String, ScriptStats> expected = new TreeMap<>();
        for (RunRecord run : runs.stream().sorted(NEWEST_FIRST).toList()) {
            if (run.scriptName() == null) {
                continue;
            }
            ScriptStats stats = expected.getOrDefault(run.scriptName(), ScriptStats.empty(run.scriptName()))
                    .count(run.status(), 1);
            if (stats.latestRun() == null) {
                stats = stats.withLatestRun(run);
            }
            if (run.inProgress()) {
                Instant time = RunTimes.sortTime(run).truncatedTo(ChronoUnit.MILLIS);
                if (stats.oldestInProgress() == null || time.isBefore(stats.oldestInProgress())) {
                    stats = stats.withOldestInProgress(time);
                }
            }
            if (ScriptStats.isStart(run) && (stats.lastStart() == null || run.startTime().isAfter(stats.lastStart()))) {
                stats = stats.withLastStart(run.startTime());
            }
            expected.put(run.scriptName(), stats);
        }
        assertThat(new TreeMap<>(local.scriptStats())).isEqualTo(expected);

        Instant asOf = T0.plusMillis(asOfMs).plusNanos(subMillis ? 400_000 : 0);
        List<RunRecord> due = runs.stream()
                .filter(run -> run.inProgress() && run.deadline() != null && !run.deadline().isAfter(asOf))
                .sorted(Comparator.comparing(RunRecord::deadline)).toList();
        DueRuns actual = local.due(asOf, limit);
        assertThat(actual.total()).as("total").isEqualTo(due.size());
        assertThat(actual.scriptNames()).as("scriptNames").containsExactlyElementsOf(
                due.stream().map(RunRecord::scriptName).filter(s -> s != null).collect(Collectors.toCollection(TreeSet::new)));
        assertThat(actual.runs()).as("runs listed").hasSize(Math.min(limit, due.size()));
        assertThat(actual.runs()).as("runs listed: due runs, each once").doesNotHaveDuplicates().isSubsetOf(due);
        assertThat(actual.runs().stream().map(RunRecord::deadline).toList()).as("deadlines listed: the first ones, earliest first")
                .isEqualTo(due.stream().limit(limit).map(RunRecord::deadline).toList());
    }

    /** What the runs-in-progress gauge reads: counted again whenever a partition's stats change, never before. */
    @Property(tries = 100)
    void runsInProgressIsTheirCountAndFollowsEveryChange(@ForAll("runs") List<Spec> specs,
                                                         @ForAll @IntRange(min = 1, max = 6) int partitions) {
        Cluster cluster = new Cluster(specs, partitions);
        LocalRuns local = cluster.instance(cluster.all());
        List<RunRecord> open = cluster.runs().stream().filter(run -> run.inProgress() && run.scriptName() != null).toList();
        assertThat(local.runsInProgress()).isEqualTo(open.size());
        assertThat(local.runsInProgress()).as("read again").isEqualTo(open.size());
        for (int i = 0; i < open.size(); i++) {
            cluster.forget(open.get(i));
            assertThat(local.runsInProgress()).as("after forgetting %d of them", i + 1).isEqualTo(open.size() - i - 1);
        }
    }

    /**
     * Valid runIds (no control character, no lone surrogate) whose Java String order differs from their UTF-8 byte
     * order, all in one or two milliseconds, so that the runId decides the order: through one instance and through two.
     */
    @Property(tries = 100)
    void runIdsOnEitherSideOfTheSurrogatesPageInOneOrderWithNoneLost(@ForAll("crossingRuns") List<Spec> specs,
                                                                     @ForAll @IntRange(min = 1, max = 3) int partitions,
                                                                     @ForAll @IntRange(min = 1, max = 3) int limit,
                                                                     @ForAll @IntRange(min = 0, max = 7) int split) {
        Cluster cluster = new Cluster(specs, partitions);
        Query query = new Query(-1, null, null, null, 0, limit);
        LocalRuns local = cluster.instance(cluster.all());
        assertPages(pageThrough(query, cursor -> local.logs(query.page(cursor)), specs.size()), query, cluster);

        List<Integer> first = cluster.all().stream().filter(p -> (split >> p & 1) == 0).toList();
        List<Integer> second = cluster.all().stream().filter(p -> (split >> p & 1) == 1).toList();
        LocalRuns a = cluster.instance(first);
        LocalRuns b = cluster.instance(second);
        assertPages(pageThrough(query, cursor -> LogsPage.merge(
                List.of(a.logs(query.page(cursor)), b.logs(query.page(cursor))), limit), specs.size()), query, cluster);
    }

    // ---------------------------------------------------------------- the specification

    /** The logs' order: the sort time's millisecond, latest first, then the runId, as {@link RunTimes#newer} says. */
    private static final Comparator<RunRecord> NEWEST_FIRST = (a, b) ->
            a.runId().equals(b.runId()) ? 0 : RunTimes.newer(a, b) ? -1 : 1;

    private static long millis(Instant time) {
        return time.truncatedTo(ChronoUnit.MILLIS).toEpochMilli();
    }

    private static List<LogsPage> pageThrough(Query query, Function<String, LogsPage> read, int runs) {
        List<LogsPage> pages = new ArrayList<>();
        String cursor = null;
        do {
            LogsPage page = read.apply(cursor);
            pages.add(page);
            assertThat(pages.size()).as("pages of %s runs at %s a page: paging must end", runs, query.limit())
                    .isLessThanOrEqualTo(runs / query.limit() + 2);
            cursor = page.nextCursor();
        } while (cursor != null);
        return pages;
    }

    private static void assertPages(List<LogsPage> pages, Query query, Cluster cluster) {
        List<RunRecord> expected = cluster.runs().stream().filter(query::matches).sorted(NEWEST_FIRST).toList();
        List<RunRecord> paged = pages.stream().flatMap(p -> p.logs().stream()).map(ListedRun::run).toList();
        List<String> sizes = pages.stream().map(p -> p.logs().size() + (p.nextCursor() == null ? "" : "+")).toList();

        assertThat(paged.stream().map(RunRecord::runId)).as("runIds paged through (page sizes %s)", sizes)
                .isEqualTo(expected.stream().map(RunRecord::runId).toList());
        assertThat(paged).as("the runs as stored").isEqualTo(expected);
        for (int i = 0; i < pages.size() - 1; i++) {
            assertThat(pages.get(i).logs()).as("page %s of %s (sizes %s)", i + 1, pages.size(), sizes).hasSize(query.limit());
        }
        if (query.status() == null && pages.size() > 1) {
            // without a status filter a cursor is given only when a run follows; with one, the last page may be empty
            assertThat(pages.get(pages.size() - 1).logs()).as("the last page after a cursor (sizes %s)", sizes).isNotEmpty();
        }
    }

    private static List<String> ids(List<ListedRun> runs) {
        return runs.stream().map(run -> run.run().runId()).toList();
    }

    // ---------------------------------------------------------------- generators

    @Provide
    Arbitrary<List<Spec>> runs() {
        // mostly a handful of milliseconds, so that runs share one and the runId decides
        Arbitrary<Long> times = Arbitraries.oneOf(Arbitraries.longs().between(0, 6), Arbitraries.longs().between(0, 30),
                Arbitraries.longs().between(0, 5_000));
        return runs(ID_SHAPES, times, 60);
    }

    @Provide
    Arbitrary<List<Spec>> crossingRuns() {
        return runs(CROSSING_SHAPES, Arbitraries.longs().between(0, 1), 12);
    }

    private static Arbitrary<List<Spec>> runs(List<String> shapes, Arbitrary<Long> times, int maxRuns) {
        Arbitrary<String> ids = Combinators.combine(Arbitraries.of(shapes), Arbitraries.integers().between(0, 40))
                .as((shape, n) -> shape + n);
        Arbitrary<Integer> scripts = Arbitraries.integers().between(-1, SCRIPTS.size() - 1);
        Arbitrary<Integer> timeKinds = Arbitraries.frequency(
                Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(1, 3));
        Arbitrary<Long> deadlines = Arbitraries.longs().between(0, 30).injectNull(0.2);
        Arbitrary<Integer> partitions = Arbitraries.integers().between(0, 5);
        Arbitrary<Integer> earlier = Arbitraries.frequency(
                Tuple.of(6, 0), Tuple.of(2, 1), Tuple.of(2, 2));
        return Combinators.combine(ids, scripts, Arbitraries.of(RunStatus.class), timeKinds, times, deadlines, partitions,
                        earlier)
                .as(Spec::new)
                .list().ofMaxSize(maxRuns).uniqueElements(Spec::runId);
    }

    @Provide
    Arbitrary<Query> queries() {
        Arbitrary<Long> bounds = Arbitraries.oneOf(Arbitraries.longs().between(0, 8), Arbitraries.longs().between(0, 5_000))
                .injectNull(0.5);
        return Combinators.combine(Arbitraries.integers().between(-1, SCRIPTS.size() - 1),
                        Arbitraries.of(RunStatus.class).injectNull(0.5), bounds, bounds,
                        Arbitraries.of(0, 0, 0, 500_000), Arbitraries.integers().between(1, 20))
                .as((script, status, from, to, nanos, limit) -> from != null && to != null && from > to
                        ? new Query(script, status, to, from, nanos, limit)
                        : new Query(script, status, from, to, nanos, limit));
    }

    // ---------------------------------------------------------------- the partitions

    /** The runs spread over partitions, each with its runs store and its index store kept by {@link RunIndexes}. */
    private static final class Cluster {
        private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
        private final Map<Integer, KeyValueStore<String, RunRecord>> runStores = new LinkedHashMap<>();
        private final Map<Integer, KeyValueStore<String, String>> indexStores = new LinkedHashMap<>();
        private final List<RunRecord> runs = new ArrayList<>();
        private final Map<Integer, RunIndexes> indexes = new LinkedHashMap<>();
        private final Map<String, Integer> partitionOf = new LinkedHashMap<>();
        private final Set<Integer> rebuilding = new TreeSet<>();

        Cluster(List<Spec> specs, int partitions) {
            for (int p = 0; p < partitions; p++) {
                runStores.put(p, store(context, "runs-" + p, Json.serde(RunRecord.class)));
                indexStores.put(p, store(context, "indexes-" + p, Serdes.String()));
                indexes.put(p, new RunIndexes(runStores.get(p), indexStores.get(p)));
            }
            // first every run's earlier states, then the final ones, so that changes interleave across runs
            for (Spec spec : specs) {
                write(spec, spec.history(), partitions, indexes);
            }
            for (Spec spec : specs) {
                RunRecord run = spec.record();
                write(spec, List.of(run), partitions, indexes);
                runs.add(run);
            }
        }

        private void write(Spec spec, List<RunRecord> states, int partitions, Map<Integer, RunIndexes> indexes) {
            int p = spec.partition() % partitions;
            partitionOf.put(spec.runId(), p);
            for (RunRecord after : states) {
                RunRecord before = runStores.get(p).get(after.runId());
                runStores.get(p).put(after.runId(), after);
                indexes.get(p).changed(before, after);
            }
        }

        List<RunRecord> runs() {
            return runs;
        }

        /** The partitions whose rebuild {@link #rebuild} left incomplete. */
        Set<Integer> rebuilding() {
            return rebuilding;
        }

        int partitionOf(RunRecord run) {
            return partitionOf.get(run.runId());
        }

        /**
         * Starts a rebuild of each partition in the mask, as after a restore, and takes it {@code steps} batches of two entries or runs
         * on. @return how many partitions it left incomplete
         */
        long rebuild(int mask, int steps) {
            long incomplete = 0;
            for (int p : all()) {
                if ((mask >> p & 1) == 1) {
                    KeyValueStore<String, String> generations = store(context, "generations-" + p, Serdes.String());
                    RunIndexes reopened = RunIndexes.open(runStores.get(p), indexStores.get(p), generations, 2);
                    for (int i = 0; i < steps; i++) {
                        reopened.rebuildStep(Duration.ZERO);
                    }
                    indexes.put(p, reopened);
                    if (!reopened.complete()) {
                        rebuilding.add(p);
                        incomplete++;
                    }
                }
            }
            return incomplete;
        }

        /** Deletes a run as retention does: from its store, then from its indexes. */
        void forget(RunRecord run) {
            int p = partitionOf.get(run.runId());
            runStores.get(p).delete(run.runId());
            indexes.get(p).removed(run);
        }

        List<Integer> all() {
            return List.copyOf(runStores.keySet());
        }

        LocalRuns instance(List<Integer> held) {
            return instance(held, Function.identity(), LocalRuns.MOST_RUNS_PASSED, LocalRuns.PASS_WAIT);
        }

        /**
         * @param runsView       what a query reads of each partition's runs' store
         * @param mostRunsPassed the most runs a read passes over while indexes are rebuilt
         * @param passWait       how long a read waits for another's pass
         */
        LocalRuns instance(List<Integer> held, Function<ReadOnlyKeyValueStore<String, RunRecord>,
                ReadOnlyKeyValueStore<String, RunRecord>> runsView, long mostRunsPassed, Duration passWait) {
            return new LocalRuns(new LocalRuns.Partitions() {
                @Override
                public List<Integer> held() {
                    return held;
                }

                @Override
                @SuppressWarnings("unchecked")
                public <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
                    return switch (name) {
                        case StoreNames.RUNS -> (ReadOnlyKeyValueStore<String, V>) (Object) runsView.apply(runStores.get(partition));
                        case StoreNames.INDEXES -> (ReadOnlyKeyValueStore<String, V>) (Object) indexStores.get(partition);
                        default -> throw new IllegalArgumentException("no store " + name);
                    };
                }

                /** As the service stores them: an ended run's JSON with the instant its end was recorded. */
                @Override
                public Function<String, byte[]> storedRuns(int partition) {
                    ReadOnlyKeyValueStore<String, RunRecord> runs = runsView.apply(runStores.get(partition));
                    return runId -> {
                        RunRecord run = runs.get(runId);
                        return run == null ? null : RunJson.stored(Json.bytes(run), run.endTime());
                    };
                }
            }, new SweepWrites(), mostRunsPassed, passWait);
        }
    }

    /** A runs' store whose pass over every run says it began and then waits to be let go on. */
    private record HeldPass(ReadOnlyKeyValueStore<String, RunRecord> runs, CountDownLatch passing, CountDownLatch release)
            implements ReadOnlyKeyValueStore<String, RunRecord> {
        @Override
        public RunRecord get(String key) {
            return runs.get(key);
        }

        @Override
        public KeyValueIterator<String, RunRecord> range(String from, String to) {
            return runs.range(from, to);
        }

        @Override
        public KeyValueIterator<String, RunRecord> all() {
            passing.countDown();
            try {
                assertThat(release.await(30, TimeUnit.SECONDS)).as("let go on").isTrue();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return runs.all();
        }

        @Override
        public long approximateNumEntries() {
            return runs.approximateNumEntries();
        }
    }

    /** A runs' store whose reads of one run see the runs in {@code ended} ended, as the stream thread since left them. */
    private record EndedSince(ReadOnlyKeyValueStore<String, RunRecord> runs, Set<String> ended)
            implements ReadOnlyKeyValueStore<String, RunRecord> {
        @Override
        public RunRecord get(String key) {
            RunRecord run = runs.get(key);
            return run != null && ended.contains(key) ? new RunRecord(run.runId(), run.scriptName(), RunStatus.SUCCESS,
                    run.startTime(), run.startTime().plusSeconds(1), "m", null, null, null, null, null, null) : run;
        }

        @Override
        public KeyValueIterator<String, RunRecord> range(String from, String to) {
            return runs.range(from, to);
        }

        @Override
        public KeyValueIterator<String, RunRecord> all() {
            return runs.all();
        }

        @Override
        public long approximateNumEntries() {
            return runs.approximateNumEntries();
        }
    }

    private static <V> KeyValueStore<String, V> store(MockProcessorContext<String, Object> context, String name, Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name + "-" + System.nanoTime()),
                Serdes.String(), values).withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
    }
}
