package io.runwarden.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runwarden.model.Alert;
import io.runwarden.model.CronJob;
import io.runwarden.model.EventCodec;
import io.runwarden.model.LifecycleEvent;
import io.runwarden.model.Ping;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.model.ScriptStats;
import io.runwarden.schedule.PolicyRules;
import io.runwarden.runs.DueRuns;
import io.runwarden.runs.ListedRun;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import io.runwarden.notify.AlertLog;
import io.runwarden.notify.Channel;
import io.runwarden.notify.DeliveriesQuery;
import io.runwarden.notify.DeliveryAttempt;
import io.runwarden.notify.DeliveryLog;
import io.runwarden.notify.DeliveryOutcome;
import io.runwarden.notify.DeliveryPage;
import io.runwarden.notify.DeliverySummary;
import io.runwarden.notify.TestMessage;
import io.runwarden.schedule.CronSchedule;
import io.runwarden.service.Alerts;
import io.runwarden.service.Channels;
import io.runwarden.service.CronJobs;
import io.runwarden.service.Deliveries;
import io.runwarden.service.LocalPartitions;
import io.runwarden.service.Policies;
import io.runwarden.service.Readiness;
import io.runwarden.service.Runs;
import io.runwarden.service.ScriptSummary;
import io.runwarden.service.Services;
import io.runwarden.service.Sweeps;
import io.runwarden.sweep.SweepProgress;
import io.runwarden.sweep.SweepResult;
import io.runwarden.sweep.SweepTimeoutException;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Services held in memory, for testing the routes over real HTTP without a broker: what a route hands a service and
 * what it makes of the answer. Every call can be made to fail with {@link #failWith}.
 */
final class FakeServices {
    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    static final Duration DEFAULT_MAX_RUNTIME = Duration.ofDays(3);

    /** What a route asked of the latest alerts. */
    record AlertQuery(String scriptName, int limit) {
    }

    final List<LifecycleEvent> reported = new CopyOnWriteArrayList<>();
    /** The events as the routes hand them over to be written. */
    final List<ObjectNode> written = new CopyOnWriteArrayList<>();
    /** The pings without a runId the routes hand over. */
    final List<Ping> pings = new CopyOnWriteArrayList<>();
    final Map<String, RunRecord> runs = new ConcurrentSkipListMap<>();
    final Map<String, ScriptStats> stats = new ConcurrentSkipListMap<>();
    final Map<String, SweepProgress> sweeps = new ConcurrentSkipListMap<>();
    final Map<String, CronJob> jobs = new ConcurrentSkipListMap<>();
    final Map<String, ScriptPolicy> policies = new ConcurrentSkipListMap<>();
    final List<LogsQuery> logQueries = new CopyOnWriteArrayList<>();
    /** Channels as stored, unmasked; the summary each one's views show; the channels test sends went to. */
    final Map<String, Channel> channels = new ConcurrentSkipListMap<>();
    final Map<String, DeliverySummary> summaries = new ConcurrentSkipListMap<>();
    final List<Channel> tested = new CopyOnWriteArrayList<>();
    /** What the next test send gives. */
    volatile DeliveryOutcome testOutcome = DeliveryOutcome.delivered(200, "200 OK");
    final List<DeliveryAttempt> attempts = new CopyOnWriteArrayList<>();
    final List<DeliveriesQuery> deliveryQueries = new CopyOnWriteArrayList<>();
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    final List<AlertQuery> alertQueries = new CopyOnWriteArrayList<>();
    final List<String> sweepsRequested = new CopyOnWriteArrayList<>();
    /** What the routes handed the service: how long to await each sweep, the limit of each preview, each due asOf. */
    final List<Duration> sweepWaits = new CopyOnWriteArrayList<>();
    final List<Integer> previewLimits = new CopyOnWriteArrayList<>();
    final List<Instant> dueAsOf = new CopyOnWriteArrayList<>();
    volatile boolean running = true;
    volatile boolean ready = true;
    volatile int eventPartitions = 6;
    /** The id the next sweep request gets; put a complete {@link SweepProgress} under it to make it finish. */
    volatile String nextSweepId = "sweep-1";
    private volatile RuntimeException failure;

    Services services() {
        return new Services(new FakeRuns(), new FakeSweeps(), new FakeCronJobs(), new FakePolicies(), new FakeChannels(),
                new FakeDeliveries(), new FakeAlerts(), new FakeLocal(),
                new Readiness() {
                    @Override
                    public boolean running() {
                        return running;
                    }

                    @Override
                    public boolean ready() {
                        return running && ready;
                    }
                });
    }

    /** From now on every service call throws {@code e}, as a broken backend would. */
    void failWith(RuntimeException e) {
        failure = e;
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
    }

    private LogsPage page(LogsQuery query) {
        check();
        logQueries.add(query);
        List<RunRecord> page = runs.values().stream()
                .filter(run -> query.scriptName() == null || query.scriptName().equals(run.scriptName()))
                .filter(run -> query.status() == null || query.status() == run.status())
                .sorted(Comparator.comparing(RunRecord::startTime).reversed())
                .limit(query.limit()).toList();
        return new LogsPage(page.stream().map(ListedRun::of).toList(), null);
    }

    private DueRuns due(int limit) {
        List<RunRecord> due = runs.values().stream().filter(RunRecord::inProgress)
                .filter(run -> run.deadline() != null && !run.deadline().isAfter(NOW))
                .sorted(Comparator.comparing(RunRecord::deadline)).toList();
        List<String> scripts = due.stream().map(RunRecord::scriptName).distinct().sorted().toList();
        return new DueRuns(due.size(), scripts, due.stream().limit(limit).toList());
    }

    private final class FakeRuns implements Runs {
        @Override
        public LifecycleEvent report(ObjectNode event) {
            check();
            LifecycleEvent checked = EventCodec.parse(event.path("runId").textValue(), event, System.currentTimeMillis());
            reported.add(checked);
            written.add(event.deepCopy());
            return checked;
        }

        @Override
        public void ping(Ping ping) {
            check();
            pings.add(ping);
        }

        @Override
        public LogsPage logs(LogsQuery query) {
            return page(query);
        }

        @Override
        public Optional<RunRecord> run(String runId) {
            check();
            return Optional.ofNullable(runs.get(runId));
        }

        @Override
        public List<ScriptSummary> scripts() {
            check();
            Map<String, ScriptStats> byName = new LinkedHashMap<>();
            stats.values().forEach(s -> byName.put(s.scriptName(), s));
            List<String> names = new ArrayList<>(byName.keySet());
            policies.values().stream().filter(p -> p.schedule() != null && !byName.containsKey(p.scriptName()))
                    .forEach(p -> names.add(p.scriptName()));
            // unsorted, as a service may answer: the route sorts
            return names.stream().map(name -> ScriptSummary.of(name, byName.get(name), policies.get(name), NOW)).toList();
        }

        /** The data itself, so that a view cached on it is rendered again whenever a test changes it. */
        @Override
        public Object scriptsVersion() {
            return List.of(Map.copyOf(stats), Map.copyOf(policies));
        }
    }

    private final class FakeSweeps implements Sweeps {
        @Override
        public String request() {
            check();
            sweepsRequested.add(nextSweepId);
            return nextSweepId;
        }

        @Override
        public Optional<SweepProgress> progress(String sweepId) {
            check();
            return Optional.ofNullable(sweeps.get(sweepId));
        }

        @Override
        public Preview preview(int limit) {
            check();
            previewLimits.add(limit);
            return new Preview(NOW, SweepResult.thresholdDate(NOW, DEFAULT_MAX_RUNTIME), due(limit));
        }

        @Override
        public SweepResult await(String sweepId, Duration timeout) throws SweepTimeoutException {
            check();
            sweepWaits.add(timeout);
            SweepProgress progress = sweeps.get(sweepId);
            if (progress == null || !progress.complete()) {
                throw new SweepTimeoutException(sweepId);
            }
            return progress.result();
        }
    }

    private final class FakeCronJobs implements CronJobs {
        @Override
        public List<View> list() {
            check();
            return jobs.values().stream().map(job -> View.of(job, NOW)).toList();
        }

        @Override
        public Optional<View> get(String name) {
            check();
            return Optional.ofNullable(jobs.get(name)).map(job -> View.of(job, NOW));
        }

        @Override
        public View change(String name, Change change) {
            check();
            CronJob job = change.applyTo(name, jobs.get(name), jobs.size(), NOW);
            jobs.put(name, job);
            return View.of(job, NOW);
        }

        @Override
        public Seeded seed(boolean overwrite) {
            check();
            List<String> seeded = new ArrayList<>();
            if (overwrite || !jobs.containsKey(CronJob.DAILY_CLEANUP)) {
                jobs.put(CronJob.DAILY_CLEANUP, CronJob.dailyCleanup());
                seeded.add(CronJob.DAILY_CLEANUP);
            }
            return new Seeded(seeded, list());
        }
    }

    private final class FakePolicies implements Policies {
        @Override
        public View get(String scriptName) {
            check();
            return View.of(policies.getOrDefault(scriptName, ScriptPolicy.none(scriptName)), DEFAULT_MAX_RUNTIME, NOW);
        }

        @Override
        public View change(String scriptName, Change change) {
            check();
            ScriptPolicy next = PolicyRules.checked(scriptName, change.applyTo(scriptName, policies.get(scriptName), NOW), NOW);
            if (next.empty()) {
                policies.remove(scriptName);
            } else {
                policies.put(scriptName, next);
            }
            return View.of(next, DEFAULT_MAX_RUNTIME, NOW);
        }
    }

    private final class FakeChannels implements Channels {
        @Override
        public List<View> list() {
            check();
            List<View> views = new ArrayList<>();
            // unsorted, as a service may answer: the route sorts
            channels.forEach((name, channel) -> views.add(0, view(channel)));
            return views;
        }

        @Override
        public Optional<View> get(String name) {
            check();
            return Optional.ofNullable(channels.get(name)).map(this::view);
        }

        @Override
        public View put(String name, Channel incoming) {
            check();
            Channel channel = Channels.replaced(name, channels.get(name), incoming, channels.size(), NOW);
            channels.put(name, channel);
            return view(channel);
        }

        @Override
        public boolean delete(String name) {
            check();
            return channels.remove(name) != null;
        }

        @Override
        public Optional<TestResult> test(String name) {
            check();
            Channel channel = channels.get(name);
            if (channel == null) {
                return Optional.empty();
            }
            tested.add(channel);
            DeliveryOutcome outcome = testOutcome;
            return Optional.of(new TestResult(TestMessage.of(name, NOW).id(), outcome.outcome(), outcome.httpStatus(), outcome.detail()));
        }

        private View view(Channel channel) {
            return View.of(channel, summaries.getOrDefault(channel.name(), DeliverySummary.NONE));
        }
    }

    /** The deliveries log's order and cursors over {@link #attempts}. */
    private final class FakeDeliveries implements Deliveries {
        @Override
        public DeliveryPage page(DeliveriesQuery query) {
            check();
            deliveryQueries.add(query);
            DeliveryAttempt after = query.after();
            return DeliveryPage.of(attempts.stream().sorted(DeliveryLog.NEWEST_FIRST)
                    .filter(a -> after == null || DeliveryLog.NEWEST_FIRST.compare(a, after) > 0)
                    .filter(query::matches).limit(query.limit() + 1L).toList(), query.limit());
        }
    }

    private final class FakeAlerts implements Alerts {
        @Override
        public List<Alert> recent(String scriptName, int limit) {
            check();
            alertQueries.add(new AlertQuery(scriptName, limit));
            return alerts.stream().sorted(AlertLog.NEWEST_FIRST)
                    .filter(a -> scriptName == null || scriptName.equals(a.scriptName())).limit(limit).toList();
        }
    }

    private final class FakeLocal implements LocalPartitions {
        @Override
        public List<Instance> instances() {
            check();
            return List.of(new Instance("127.0.0.1", 8080, List.of(0, 1, 2, 3, 4, 5), List.of()));
        }

        @Override
        public int eventPartitions() {
            return eventPartitions;
        }

        @Override
        public LogsPage logs(LogsQuery query) {
            return page(query);
        }

        @Override
        public Map<String, ScriptStats> scriptStats() {
            check();
            return Map.copyOf(stats);
        }

        @Override
        public Object scriptStatsVersion() {
            return Map.copyOf(stats);
        }

        @Override
        public DueRuns due(Instant asOf, int limit) {
            check();
            dueAsOf.add(asOf);
            return FakeServices.this.due(limit);
        }

        @Override
        public Optional<RunRecord> run(String runId, int partition) {
            check();
            return Optional.ofNullable(runs.get(runId));
        }

        @Override
        public Optional<SweepProgress> sweep(String sweepId, int partition) {
            check();
            return Optional.ofNullable(sweeps.get(sweepId));
        }
    }
}
