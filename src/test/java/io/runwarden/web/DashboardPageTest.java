package io.runwarden.web;

import io.runwarden.config.Tokens;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.runwarden.TestSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.runwarden.IntegrationTest;
import io.runwarden.Patience;
import io.runwarden.RunwardenService;
import io.runwarden.http.ApiServer;
import io.runwarden.http.HttpTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard page in a real headless Chromium against the service on a real embedded broker: what a person sees
 * after scripts reported runs, and what the filters, paging, detail panel, "clean up now" and the schedule controls
 * do, and the notifications panel (channels, their test sends, the recent alerts). One service and one browser for the
 * class; the tests run in order because the clean-up and the schedules change what the later ones see (a missed slot is
 * a failed run, so the schedule tests come after the filters'), and the notification tests come last for the same
 * reason: their alerts are failed runs too.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@IntegrationTest
class DashboardPageTest {
    private static final String TOKEN = "page-token";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final int BACKUP_RUNS = 12;
    /** What the channels are given that no answer and so no page may show. */
    private static final String SECRET = "hmac-s3cret-of-the-page";
    private static final String SLACK_PATH = "T0PAGE/B0PAGE/slack-path-s3cret";
    private static final String ROUTING_KEY = "pagerduty-routing-k3y";
    /** Markup where the API gives text: a script name, a message, a channel's pattern, a receiver's answer. */
    private static final String MARKUP_SCRIPT = "page-<img src=x onerror=window.pwned=1>";
    private static final String MARKUP_MESSAGE = "<img src=x onerror=window.pwned=2> exit 4";
    private static final String MARKUP_GLOB = "<img src=x onerror=window.pwned=3>";
    private static final String MARKUP_ANSWER = "<img src=x onerror=window.pwned=4> gone";
    private static RunwardenService service;
    private static HttpTestClient http;
    private static ChromeDriver browser;
    private static DashboardPage dashboard;
    private static String page;
    private static Receiver receiver;
    private static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("runwarden-page");
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dir.toString(),
                "RUNWARDEN_API_TOKEN", TOKEN, "RUNWARDEN_APPLICATION_ID", "runwarden-page-test"));
        http = new HttpTestClient(service.httpPort(), TOKEN);
        page = "http://127.0.0.1:" + service.httpPort() + "/?refresh=1";
        reportRuns();
        receiver = new Receiver();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort(); // closed again at once: nothing listens there
        }
        browser = Chromium.start(Files.createTempDirectory("chromium-profile"));
        dashboard = new DashboardPage(browser);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    /** One script of each kind the page colours differently, reported as a script would, over HTTP. */
    private static void reportRuns() {
        start("import-1", "import", NOW.minus(Duration.ofDays(4)), null); // stale: past its 3-day deadline
        start("archive-1", "archive", NOW.minus(Duration.ofMinutes(10)), null); // far from its deadline
        start("synchro-1", "synchro", NOW.minus(Duration.ofMinutes(330)), "PT6H"); // 30 min before its deadline
        start("report-1", "report", NOW.minus(Duration.ofHours(2)), null);
        http.post("/script/runs/report-1/failed", "{\"message\":\"disk full\"}");
        for (int i = 1; i <= BACKUP_RUNS; i++) {
            start("backup-" + i, "backup", NOW.minus(Duration.ofHours(BACKUP_RUNS + 1 - i)), null);
            http.post("/script/runs/backup-" + i + "/succeeded", "{\"message\":\"copied\"}");
        }
        await().atMost(Patience.APPLIED).until(() ->
                http.get("/script/logs?status=0&limit=100").data().path("logs").size() == BACKUP_RUNS
                        && http.get("/script/logs/report-1").data().path("status").asInt() == -1);
    }

    private static void start(String runId, String script, Instant time, String maxRuntime) {
        String body = "{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script + "\",\"time\":\"" + time + "\""
                + (maxRuntime == null ? "" : ",\"maxRuntime\":\"" + maxRuntime + "\"") + "}";
        assertThat(http.post("/script/runs", body).status()).isEqualTo(201);
    }

    @Test
    @Order(1)
    void everyScriptShowsItsStatusColourAndHowCloseItsRunIsToTheDeadline() {
        browser.get(page);

        DashboardPage.eventually(() -> { // the page re-renders every second: each try reads it afresh
            assertThat(pill(dashboard.card("backup")).getText()).isEqualTo("success");
            assertThat(dashboard.card("backup").getAttribute("class")).contains("success");
            assertThat(dashboard.card("backup").getText()).contains("0 in progress", BACKUP_RUNS + " ok", "0 failed");
            assertThat(pill(dashboard.card("report")).getText()).isEqualTo("failed");
            assertThat(dashboard.card("report").getText()).contains("disk full");
            assertThat(pill(dashboard.card("archive")).getAttribute("class")).contains("running");
            assertThat(dashboard.card("archive").getText()).contains("due in 2 d 23 h");
            assertThat(pill(dashboard.card("synchro")).getAttribute("class")).as("amber near its deadline").contains("near");
            assertThat(dashboard.card("synchro").getText()).containsPattern("due in \\d+ min");
            assertThat(pill(dashboard.card("import")).getText()).isEqualTo("in progress");
            assertThat(pill(dashboard.card("import")).getAttribute("class")).contains("overdue");
            assertThat(dashboard.card("import").getText()).contains("overdue by 1 d", "oldest in progress: started 4 d ago");
        });
        DashboardPage.eventually(() -> {
            assertThat(dashboard.text("count-scripts")).startsWith("5");
            assertThat(dashboard.text("count-in-progress")).startsWith("3");
            assertThat(dashboard.text("count-overdue")).startsWith("1");
            assertThat(dashboard.text("count-success")).startsWith(String.valueOf(BACKUP_RUNS));
            assertThat(dashboard.text("count-failed")).startsWith("1");
            List<WebElement> running = browser.findElements(By.cssSelector("#in-progress .running-run"));
            assertThat(running).extracting(row -> row.getAttribute("data-run-id"))
                    .as("most urgent first").containsExactly("import-1", "synchro-1", "archive-1");
            // started 10 min before NOW: how much more it shows depends on how long the service took to start
            Matcher minutes = Pattern.compile("running (\\d+) min").matcher(running.get(2).getText());
            assertThat(minutes.find()).as(running.get(2).getText()).isTrue();
            assertThat(Long.parseLong(minutes.group(1))).isBetween(10L,
                    Duration.between(NOW.minus(Duration.ofMinutes(10)), Instant.now()).toMinutes() + 1);
        });
        DashboardPage.eventually(() -> {
            WebElement job = browser.findElement(By.cssSelector("#cron tr[data-job='daily-cleanup-2am']"));
            assertThat(job.findElement(By.cssSelector(".next-run time")).getAttribute("datetime")).endsWith("T02:00:00.000Z");
            assertThat(job.getText()).contains("0 2 * * *");
            assertThat(dashboard.text("state")).startsWith("updated ");
        });
        Chromium.screenshot(browser, "dashboard");
    }

    @Test
    @Order(2)
    void filtersByScriptAndStatusNarrowTheRunsTable() {
        filter("report", "");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).containsExactly("report-1"));

        filter("", "2");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).containsExactlyInAnyOrder("import-1", "synchro-1", "archive-1"));

        filter("", "-1");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).containsExactly("report-1"));

        filter("backup", "0");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).as("newest first").hasSize(BACKUP_RUNS).startsWith("backup-" + BACKUP_RUNS)
                .allMatch(id -> id.startsWith("backup-")));

        filter("nothing-like-this", "");
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.cssSelector("#runs tbody")).getText())
                .isEqualTo("No run matches these filters."));
    }

    @Test
    @Order(3)
    void aSmallPageOffersTheNextPageAndBack() {
        new Select(browser.findElement(By.id("filter-limit"))).selectByVisibleText("10");
        filter("backup", "");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).hasSize(10).startsWith("backup-12"));
        assertThat(browser.findElement(By.id("prev-page")).isEnabled()).isFalse();

        dashboard.click(By.id("next-page"));
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).containsExactly("backup-2", "backup-1"));
        assertThat(dashboard.text("page-label")).isEqualTo("page 2");
        assertThat(browser.findElement(By.id("next-page")).isEnabled()).isFalse();

        dashboard.click(By.id("prev-page"));
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).hasSize(10).startsWith("backup-12"));
        new Select(browser.findElement(By.id("filter-limit"))).selectByVisibleText("25");
    }

    @Test
    @Order(4)
    void clickingARunShowsAllItsFields() {
        filter("synchro", "");
        DashboardPage.eventually(() -> assertThat(dashboard.rowIds()).containsExactly("synchro-1"));
        dashboard.click(By.cssSelector("#runs tr[data-run-id='synchro-1']"));

        DashboardPage.eventually(() -> {
            assertThat(detail("runId")).isEqualTo("synchro-1");
            assertThat(detail("status")).isEqualTo("in progress");
            assertThat(detail("scriptName")).isEqualTo("synchro");
            assertThat(detail("maxRuntime")).isEqualTo("6 h (PT6H)");
            assertThat(detail("deadline")).containsPattern("due in \\d+ min");
            assertThat(detail("endTime")).isEqualTo("—");
            assertThat(detail("lateCompletion")).isEqualTo("—");
        });
        Chromium.viewportScreenshot(browser, "dashboard-detail"); // the drawer is fixed to the viewport

        dashboard.click(By.id("detail-close"));
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("detail")).isDisplayed()).isFalse());
    }

    @Test
    @Order(5)
    void cleanUpNowAsksForTheTokenThenShowsTheSweepAndTheStaleRunTurnsFailed() {
        filter("import", "");
        dashboard.click(By.id("cleanup"));

        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isTrue());
        browser.findElement(By.id("token-input")).sendKeys("not-the-token");
        dashboard.click(By.id("token-submit"));
        DashboardPage.eventually(() -> assertThat(dashboard.text("token-error")).contains("refused"));
        assertThat(http.get("/script/logs/import-1").data().path("status").asInt()).as("nothing swept yet").isEqualTo(2);

        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        dashboard.click(By.id("token-submit"));

        DashboardPage.eventually(() -> assertThat(dashboard.text("cleanup-total")).isEqualTo("1"));
        assertThat(dashboard.text("cleanup-scripts")).isEqualTo("1");
        assertThat(dashboard.text("cleanup-result")).contains("Clean-up done: 1 run marked failed in 1 script (import)");
        DashboardPage.eventually(() -> {
            assertThat(pill(dashboard.card("import")).getText()).isEqualTo("failed");
            assertThat(dashboard.rowIds()).containsExactly("import-1");
            assertThat(browser.findElement(By.cssSelector("#runs tr[data-run-id='import-1']")).getText()).contains("failed");
        });
        Chromium.screenshot(browser, "dashboard-cleanup");

        // the script finishes after all: the run stays failed and the page shows the late completion
        http.post("/script/runs/import-1/succeeded", "{\"message\":\"done at last\"}");
        dashboard.click(By.cssSelector("#runs tr[data-run-id='import-1']"));
        DashboardPage.eventually(() -> {
            assertThat(detail("lateCompletion")).startsWith("the script reported success at ")
                    .endsWith("after a sweep had failed the run: done at last");
            assertThat(detail("status")).isEqualTo("failed");
            assertThat(detail("failureReason")).isEqualTo("timeout");
            assertThat(detail("message")).isEqualTo("Script marked as failed - exceeded 3 day timeout");
        });
        dashboard.click(By.id("detail-close"));

        dashboard.click(By.id("cleanup"));
        DashboardPage.eventually(() -> assertThat(dashboard.text("cleanup-result")).as("the token is kept for this tab")
                .contains("Clean-up done: 0 runs marked failed"));
    }

    @Test
    @Order(6)
    void thePageRefreshesByItself() {
        start("newcomer-1", "newcomer", NOW, null);

        DashboardPage.eventually(() -> assertThat(pill(dashboard.card("newcomer")).getText()).isEqualTo("in progress"));
    }

    @Test
    @Order(7)
    void readableOnAPhone() {
        dashboard.click(By.id("reset-filters"));
        Chromium.phone(browser, 390, 844);
        try {
            browser.navigate().refresh();
            DashboardPage.eventually(() -> assertThat(dashboard.card("synchro").isDisplayed()).isTrue());
            Number pageWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
            assertThat(pageWidth.intValue()).as("nothing wider than the phone").isLessThanOrEqualTo(390);
            assertThat(dashboard.card("backup").getRect().getWidth()).isGreaterThan(300);
            Chromium.viewportScreenshot(browser, "dashboard-phone");
        } finally {
            Chromium.desktop(browser);
        }
    }

    @Test
    @Order(8)
    void aScheduleSetThroughThePageShowsOnItsCardWithTheNextExpectedStart() {
        browser.executeScript("sessionStorage.removeItem('runwarden.token')"); // a new tab: the token is asked again
        openSchedule("backup");
        assertThat(browser.findElement(By.id("schedule-cron")).getAttribute("value")).as("none yet").isEmpty();
        type("schedule-cron", "0 3 * * *");
        type("schedule-timezone", "Europe/Paris");
        type("schedule-grace", "PT15M");
        dashboard.click(By.id("schedule-save"));

        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isTrue());
        assertThat(dashboard.text("token-submit")).isEqualTo("Save");
        browser.findElement(By.id("token-input")).sendKeys(TOKEN);
        dashboard.click(By.id("token-submit"));
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("schedule-dialog")).isDisplayed()).isFalse());

        HttpTestClient.Response policy = http.get("/script/policies/backup");
        assertThat(policy.data().path("schedule").asText()).isEqualTo("0 3 * * *");
        assertThat(policy.data().path("timezone").asText()).isEqualTo("Europe/Paris");
        assertThat(policy.data().path("startGrace").asText()).isEqualTo("PT15M");
        Instant next = Instant.parse(policy.data().path("nextExpectedStart").asText());
        DashboardPage.eventually(() -> {
            WebElement card = dashboard.card("backup");
            assertThat(card.findElement(By.cssSelector(".schedule .cron")).getText()).isEqualTo("0 3 * * *");
            assertThat(card.findElement(By.cssSelector(".schedule .zone")).getText()).isEqualTo("Europe/Paris");
            assertThat(badge(card).getText()).isEqualToIgnoringCase("on schedule");
            assertThat(badge(card).getAttribute("data-state")).isEqualTo("ok");
            WebElement nextStart = card.findElement(By.cssSelector(".next-start time"));
            assertThat(Instant.parse(nextStart.getAttribute("datetime"))).isEqualTo(next);
            assertThat(nextStart.getAttribute("title")).as("absolute on hover")
                    .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\(.+\\)");
            assertThat(minutesUntil(nextStart.getText())).as(nextStart.getText())
                    .isCloseTo(Duration.between(Instant.now(), next).toMinutes(), org.assertj.core.data.Offset.offset(2L));
            // backup-12, the latest start, was an hour before NOW
            assertThat(card.findElement(By.cssSelector(".last-start")).getText()).matches("last start 1 h( \\d+ min)? ago");
            assertThat(card.findElement(By.cssSelector(".schedule-edit")).getText()).isEqualTo("Edit schedule");
        });
        Chromium.screenshot(browser, "dashboard-schedule");
    }

    @Test
    @Order(9)
    void pauseMutesTheScheduleAndResumeBringsItBack() {
        dashboard.click(By.cssSelector("#scripts [data-script='backup'] .schedule-pause"));
        DashboardPage.eventually(() -> {
            WebElement card = dashboard.card("backup");
            assertThat(badge(card).getText()).isEqualToIgnoringCase("paused");
            assertThat(badge(card).getAttribute("data-state")).isEqualTo("paused");
            assertThat(card.findElement(By.cssSelector(".next-start")).getText()).isEqualTo("next expected start none while paused");
            assertThat(card.findElement(By.cssSelector(".schedule-pause")).getText()).isEqualTo("Resume");
        });
        assertThat(http.get("/script/policies/backup").data().path("paused").asBoolean()).isTrue();
        assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).as("the token is kept for this tab").isFalse();

        dashboard.click(By.cssSelector("#scripts [data-script='backup'] .schedule-pause"));
        DashboardPage.eventually(() -> {
            WebElement card = dashboard.card("backup");
            assertThat(badge(card).getAttribute("data-state")).isEqualTo("ok");
            assertThat(card.findElement(By.cssSelector(".next-start time")).getText()).startsWith("in ");
            assertThat(card.findElement(By.cssSelector(".schedule-pause")).getText()).isEqualTo("Pause");
        });
        assertThat(http.get("/script/policies/backup").data().path("paused").asBoolean()).isFalse();
    }

    @Test
    @Order(10)
    void aScheduleThatNeverFiresShowsTheApisErrorNextToTheFormAndChangesNothing() {
        HttpTestClient.Response refused = http.put("/script/policies/backup", "{\"schedule\":\"0 0 31 2 *\"}");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("invalid_schedule");
        String message = refused.body().path("error").path("message").asText();

        openSchedule("backup");
        assertThat(browser.findElement(By.id("schedule-cron")).getAttribute("value")).isEqualTo("0 3 * * *");
        assertThat(browser.findElement(By.id("schedule-timezone")).getAttribute("value")).isEqualTo("Europe/Paris");
        assertThat(browser.findElement(By.id("schedule-grace")).getAttribute("value")).isEqualTo("PT15M");
        type("schedule-cron", "0 0 31 2 *");
        dashboard.click(By.id("schedule-save"));

        DashboardPage.eventually(() -> assertThat(dashboard.text("schedule-error")).isEqualTo(message));
        assertThat(browser.findElement(By.id("schedule-cron")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.findElement(By.id("schedule-dialog")).isDisplayed()).as("left open to correct it").isTrue();
        Chromium.viewportScreenshot(browser, "dashboard-schedule-error");

        dashboard.click(By.id("schedule-cancel"));
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("schedule-dialog")).isDisplayed()).isFalse());
        assertThat(http.get("/script/policies/backup").data().path("schedule").asText()).isEqualTo("0 3 * * *");
        DashboardPage.eventually(() -> assertThat(dashboard.card("backup").findElement(By.cssSelector(".schedule .cron")).getText()).isEqualTo("0 3 * * *"));
    }

    /** A slot every minute that only a start within a second keeps: the next one is missed, checked every 10 s. */
    @Test
    @Order(11)
    void aMissedSlotShowsOnTheCardAndAsAMissedRunInTheTable() {
        assertThat(http.put("/script/policies/ticker", "{\"schedule\":\"* * * * *\",\"startGrace\":\"PT1S\"}").status())
                .isEqualTo(200);
        DashboardPage.eventually(() -> assertThat(dashboard.card("ticker").findElement(By.cssSelector(".schedule .cron")).getText()).isEqualTo("* * * * *"));

        await().atMost(Patience.SLOT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            WebElement card = dashboard.card("ticker");
            assertThat(badge(card).getAttribute("data-state")).isEqualTo("missed");
            assertThat(badge(card).getText()).isEqualToIgnoringCase("missed");
            assertThat(card.getAttribute("class")).contains("sched-missed");
            assertThat(pill(card).getText()).isEqualTo("missed");
        });
        DashboardPage.eventually(() -> assertThat(dashboard.text("count-missed")).startsWith("1"));

        filter("ticker", "-1");
        DashboardPage.eventually(() -> {
            List<String> ids = dashboard.rowIds();
            assertThat(ids).isNotEmpty().allMatch(id -> id.matches("ticker@\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:00Z"));
            WebElement row = browser.findElement(By.cssSelector("#runs tr[data-run-id='" + ids.get(0) + "']"));
            assertThat(row.getAttribute("data-failure-reason")).isEqualTo("missed");
            WebElement rowPill = row.findElement(By.cssSelector(".pill"));
            assertThat(rowPill.getText()).isEqualTo("missed");
            assertThat(rowPill.getAttribute("class")).contains("missed");
            assertThat(row.getText()).contains("Script did not start - expected at " + ids.get(0).substring("ticker@".length()));
        });
        Chromium.screenshot(browser, "dashboard-missed");
    }

    @Test
    @Order(12)
    void removingAScheduleThroughThePageEndsTheExpectation() {
        openSchedule("ticker");
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("schedule-remove")).isDisplayed()).isTrue());
        assertThat(browser.findElement(By.id("schedule-grace")).getAttribute("value")).isEqualTo("PT1S");
        dashboard.click(By.id("schedule-remove"));

        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("schedule-dialog")).isDisplayed()).isFalse());
        assertThat(http.get("/script/policies/ticker").data().path("schedule").isNull()).isTrue();
        DashboardPage.eventually(() -> { // its missed runs stay, and so does its card, now with no schedule
            WebElement card = dashboard.card("ticker");
            assertThat(card.findElements(By.cssSelector(".schedule"))).isEmpty();
            assertThat(card.findElements(By.cssSelector(".schedule-pause"))).isEmpty();
            assertThat(card.findElement(By.cssSelector(".schedule-edit")).getText()).isEqualTo("Set a schedule");
        });
    }

    @Test
    @Order(13)
    void withNoChannelTheNotificationsPanelSaysHowToAddOneAndListsTheAlertsAlreadyRaised() {
        browser.navigate().refresh();
        DashboardPage.eventually(() -> {
            WebElement empty = browser.findElement(By.cssSelector("#channels .channels-empty"));
            assertThat(empty.getText()).contains("No notification channel yet", "curl -X PUT",
                    "http://127.0.0.1:" + service.httpPort() + "/notifications/channels/NAME", "\"Notifications\" in the README");
        });
        // report-1 failed and the clean-up timed import-1 out before any channel: recorded all the same
        DashboardPage.eventually(() -> {
            assertThat(alertKind("failed:report-1").getAttribute("class")).contains("alarm");
            assertThat(alertRow("failed:report-1").findElement(By.cssSelector("td.script")).getText()).isEqualTo("report");
            assertThat(alertRow("failed:report-1").findElement(By.cssSelector("td.message")).getText()).isEqualTo("disk full");
            assertThat(alertKind("timeout:import-1").getText()).isEqualTo("timeout");
            assertThat(alertKind("timeout:import-1").getAttribute("class")).contains("alarm");
        });
    }

    @Test
    @Order(14)
    void everyChannelShowsItsTypeRoutesAndStateAndNoneOfItsSecrets() {
        putChannel("page-hook", "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/hook") + "\",\"secret\":\"" + SECRET
                + "\",\"scripts\":[\"page-*\"]}");
        putChannel("page-broken", "{\"type\":\"webhook\",\"url\":\"http://127.0.0.1:" + closedPort + "/hook\","
                + "\"scripts\":[\"page-*\",\"" + MARKUP_GLOB + "\"],\"kinds\":[\"failed\",\"timeout\"]}");
        putChannel("page-gone", "{\"type\":\"webhook\",\"url\":\"" + receiver.url("/gone") + "\",\"scripts\":[\"never-*\"]}");
        putChannel("page-slack", "{\"type\":\"slack\",\"url\":\"http://127.0.0.1:" + closedPort + "/services/" + SLACK_PATH
                + "\",\"enabled\":false}");
        putChannel("page-pager", "{\"type\":\"pagerduty\",\"routingKey\":\"" + ROUTING_KEY + "\",\"url\":\"http://127.0.0.1:"
                + closedPort + "/v2/enqueue\",\"scripts\":[\"never-*\"],\"kinds\":[\"missed\"]}");

        DashboardPage.eventually(() -> {
            assertThat(channelNames()).as("by name").containsExactly("page-broken", "page-gone", "page-hook", "page-pager", "page-slack");
            assertThat(dashboard.text("channels-note")).isEqualTo("(5 channels)");
            assertThat(channel("page-hook").findElement(By.cssSelector(".channel-type")).getText())
                    .isEqualTo("webhook to 127.0.0.1:" + receiver.port());
            assertThat(channel("page-hook").findElement(By.cssSelector(".routes")).getText()).isEqualTo("scripts page-* · kinds all");
            assertThat(channel("page-hook").getAttribute("data-state")).isEqualTo("never");
            assertThat(channel("page-hook").findElement(By.cssSelector(".badge")).getText()).isEqualToIgnoringCase("never used");
            assertThat(channel("page-hook").findElement(By.cssSelector(".last-delivery")).getText()).isEqualTo("last delivery never");
            assertThat(channel("page-hook").findElement(By.cssSelector(".counts")).getText()).isEqualTo("last 24 h: 0 failed · 0 retried");
            assertThat(channel("page-broken").findElement(By.cssSelector(".routes")).getText())
                    .isEqualTo("scripts page-*, " + MARKUP_GLOB + " · kinds failed, timeout");
            assertThat(channel("page-slack").findElement(By.cssSelector(".channel-type")).getText())
                    .isEqualTo("slack · sends no alert while disabled (a test still goes)");
            assertThat(channel("page-slack").getAttribute("data-state")).isEqualTo("disabled");
            assertThat(channel("page-slack").findElement(By.cssSelector(".badge")).getText()).isEqualToIgnoringCase("disabled");
            assertThat(channel("page-slack").findElement(By.cssSelector(".routes")).getText()).isEqualTo("scripts all · kinds all");
            assertThat(channel("page-pager").findElement(By.cssSelector(".channel-type")).getText()).isEqualTo("pagerduty");
            assertThat(channel("page-pager").findElement(By.cssSelector(".routes")).getText()).isEqualTo("scripts never-* · kinds missed");
            assertThat(browser.findElements(By.cssSelector("#channels .channels-empty"))).isEmpty();
        });
        assertNoSecretInThePage();
    }

    @Test
    @Order(15)
    void aFailedRunOfARoutedScriptIsDeliveredAndHeadsTheRecentAlertsAndItsRecoveryFollows() {
        start("page-run-1", "page-job", Instant.now(), null);
        assertThat(http.post("/script/runs/page-run-1/failed", "{\"message\":\"exit 3\"}").status()).isEqualTo(202);
        await().atMost(Patience.APPLIED).until(() -> receiver.alertIds().contains("failed:page-run-1"));

        DashboardPage.eventually(() -> {
            assertThat(alertIds().get(0)).isEqualTo("failed:page-run-1");
            WebElement row = alertRow("failed:page-run-1");
            assertThat(alertKind("failed:page-run-1").getText()).isEqualTo("failed");
            assertThat(alertKind("failed:page-run-1").getAttribute("class")).contains("alarm");
            assertThat(row.findElement(By.cssSelector("td.script")).getText()).isEqualTo("page-job");
            assertThat(row.findElement(By.cssSelector("td.run-id")).getText()).isEqualTo("page-run-1");
            assertThat(row.findElement(By.cssSelector("td.message")).getText()).isEqualTo("exit 3");
            assertThat(row.findElement(By.cssSelector("time")).getAttribute("datetime")).isNotEmpty();
        });
        DashboardPage.eventually(() -> { // delivered to the receiver; tried on the closed port, to be tried again
            WebElement hook = channel("page-hook");
            assertThat(hook.getAttribute("data-state")).isEqualTo("ok");
            assertThat(hook.findElement(By.cssSelector(".last-delivery")).getText()).matches("last delivery \\d+ (s|min) ago");
            assertThat(hook.findElement(By.cssSelector(".last-delivery time")).getAttribute("datetime")).isNotEmpty();
            assertThat(hook.findElement(By.cssSelector(".last-attempt")).getText()).matches("last attempt \\d+ (s|min) ago: delivered");
            WebElement broken = channel("page-broken");
            assertThat(broken.getAttribute("data-state")).isEqualTo("failing");
            assertThat(broken.findElement(By.cssSelector(".last-delivery")).getText()).isEqualTo("last delivery never");
            assertThat(broken.findElement(By.cssSelector(".last-attempt")).getText()).contains(": retried — ");
            assertThat(broken.findElement(By.cssSelector(".counts")).getText()).matches("last 24 h: 0 failed · [1-9]\\d* retried");
        });

        start("page-run-2", "page-job", Instant.now(), null);
        assertThat(http.post("/script/runs/page-run-2/succeeded", "{\"message\":\"fine again\"}").status()).isEqualTo(202);
        await().atMost(Patience.APPLIED).until(() -> receiver.alertIds().contains("recovered:page-run-2"));
        DashboardPage.eventually(() -> {
            assertThat(alertIds()).as("newest first").startsWith("recovered:page-run-2", "failed:page-run-1");
            assertThat(alertKind("recovered:page-run-2").getText()).isEqualTo("recovered");
            assertThat(alertKind("recovered:page-run-2").getAttribute("class")).contains("ok").doesNotContain("alarm");
        });

        dashboard.click(By.cssSelector("#alerts tr[data-alert-id='failed:page-run-1'] td.run-id button"));
        DashboardPage.eventually(() -> assertThat(detail("runId")).isEqualTo("page-run-1"));
        dashboard.click(By.id("detail-close"));
    }

    @Test
    @Order(16)
    void sendTestAsksForTheTokenThenReachesTheReceiverAndShowsDelivered() {
        browser.executeScript("sessionStorage.removeItem('runwarden.token')"); // a new tab: the token is asked again
        receiver.holdTests();
        try {
            dashboard.click(By.cssSelector("#channels [data-channel='page-hook'] .send-test"));
            DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isTrue());
            assertThat(dashboard.text("token-purpose")).isEqualTo("send test messages");
            assertThat(dashboard.text("token-submit")).isEqualTo("Send test");
            browser.findElement(By.id("token-input")).sendKeys(TOKEN);
            dashboard.click(By.id("token-submit"));

            // held by the receiver: the send is in flight, and the page says so
            await().atMost(Patience.PAGE).until(() -> receiver.alertIds().stream().anyMatch(id -> id.startsWith("test:page-hook:")));
            DashboardPage.eventually(() -> {
                WebElement button = channel("page-hook").findElement(By.cssSelector(".send-test"));
                assertThat(button.isEnabled()).isFalse();
                assertThat(button.getText()).isEqualTo("Sending…");
            });
        } finally {
            receiver.release();
        }
        String testId = receiver.alertIds().stream().filter(id -> id.startsWith("test:page-hook:")).findFirst().orElseThrow();

        DashboardPage.eventually(() -> {
            WebElement result = channel("page-hook").findElement(By.cssSelector(".test-result"));
            assertThat(result.getAttribute("class")).contains("delivered");
            assertThat(result.getText()).matches("Test delivered \\(HTTP 200\\) at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
            WebElement button = channel("page-hook").findElement(By.cssSelector(".send-test"));
            assertThat(button.isEnabled()).isTrue();
            assertThat(button.getText()).isEqualTo("Send test");
        });
        // the row follows: its last attempt is now the test
        await().atMost(Patience.APPLIED).until(() -> http.get("/notifications/deliveries?channel=page-hook&limit=1").data()
                .path("deliveries").path(0).path("notificationId").asText().equals(testId));
        Instant tested = Instant.parse(http.get("/notifications/deliveries?channel=page-hook&limit=1").data()
                .path("deliveries").path(0).path("time").asText());
        DashboardPage.eventually(() -> {
            WebElement hook = channel("page-hook");
            assertThat(Instant.parse(hook.findElement(By.cssSelector(".last-attempt time")).getAttribute("datetime"))).isEqualTo(tested);
            assertThat(Instant.parse(hook.findElement(By.cssSelector(".last-delivery time")).getAttribute("datetime"))).isEqualTo(tested);
            assertThat(hook.findElement(By.cssSelector(".last-attempt")).getText()).endsWith(": delivered");
            assertThat(hook.getAttribute("data-state")).isEqualTo("ok");
        });
        assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
    }

    @Test
    @Order(17)
    void aTestThatFailsShowsItsStatusAndDetailAndOneWithoutTheTokenSaysSo() {
        browser.executeScript("sessionStorage.removeItem('runwarden.token')");
        dashboard.click(By.cssSelector("#channels [data-channel='page-broken'] .send-test"));
        DashboardPage.eventually(() -> assertThat(browser.findElement(By.id("token-dialog")).isDisplayed()).isTrue());
        dashboard.click(By.id("token-cancel"));
        DashboardPage.eventually(() -> {
            WebElement result = channel("page-broken").findElement(By.cssSelector(".test-result"));
            assertThat(result.getAttribute("class")).contains("error");
            assertThat(result.getText()).isEqualTo("Test not sent: sending a test needs the API token.");
            assertThat(channel("page-broken").findElement(By.cssSelector(".send-test")).isEnabled()).isTrue();
        });
        assertThat(http.get("/notifications/deliveries?channel=page-broken").data().path("deliveries"))
                .as("nothing sent").noneMatch(attempt -> attempt.path("kind").asText().equals("test"));

        // the closed port: no HTTP status, a network error, which an alert would retry
        browser.executeScript("sessionStorage.setItem('runwarden.token', arguments[0])", TOKEN);
        dashboard.click(By.cssSelector("#channels [data-channel='page-broken'] .send-test"));
        DashboardPage.eventually(() -> {
            WebElement result = channel("page-broken").findElement(By.cssSelector(".test-result"));
            assertThat(result.getAttribute("class")).contains("retried");
            assertThat(result.getText()).startsWith("Test retried (an alert would be retried): ").doesNotContain("HTTP");
        });
        // the attempt as recorded; the alert of page-run-1 is retried meanwhile, so the row's last attempt may be either
        await().atMost(Patience.APPLIED).until(() -> testAttempt("page-broken") != null);
        JsonNode broken = testAttempt("page-broken");
        assertThat(broken.path("outcome").asText()).isEqualTo("retried");
        assertThat(broken.has("httpStatus")).isFalse();
        String brokenDetail = broken.path("detail").asText();
        assertThat(brokenDetail).startsWith("could not connect");
        DashboardPage.eventually(() -> {
            assertThat(channel("page-broken").findElement(By.cssSelector(".test-result")).getText())
                    .matches("Test retried \\(an alert would be retried\\): " + Pattern.quote(brokenDetail) + " at .+");
            assertThat(channel("page-broken").findElement(By.cssSelector(".last-attempt")).getText()).endsWith(": retried — " + brokenDetail);
            assertThat(channel("page-broken").getAttribute("data-state")).isEqualTo("failing");
            assertThat(channel("page-broken").findElement(By.cssSelector(".badge")).getText()).isEqualToIgnoringCase("failing");
        });

        // a receiver that answers 404 (with markup): given up, its status and answer shown as text, counted as failed
        dashboard.click(By.cssSelector("#channels [data-channel='page-gone'] .send-test"));
        DashboardPage.eventually(() -> {
            WebElement result = channel("page-gone").findElement(By.cssSelector(".test-result"));
            assertThat(result.getAttribute("class")).contains("failed");
            assertThat(result.getText()).startsWith("Test failed (an alert would be given up): HTTP 404: " + MARKUP_ANSWER + " at ");
        });
        assertThat(receiver.alertIds()).anyMatch(id -> id.startsWith("test:page-gone:"));
        DashboardPage.eventually(() -> {
            WebElement gone = channel("page-gone");
            assertThat(gone.getAttribute("data-state")).isEqualTo("failing");
            assertThat(gone.findElement(By.cssSelector(".badge")).getText()).isEqualToIgnoringCase("failing");
            assertThat(gone.findElement(By.cssSelector(".last-attempt")).getText()).endsWith(": failed — HTTP 404: " + MARKUP_ANSWER);
            assertThat(gone.findElement(By.cssSelector(".counts")).getText()).isEqualTo("last 24 h: 1 failed · 0 retried");
            assertThat(gone.findElement(By.cssSelector(".last-delivery")).getText()).isEqualTo("last delivery never");
        });
        assertNoSecretInThePage();
        Chromium.screenshot(browser, "dashboard-notifications");
    }

    @Test
    @Order(18)
    void markupInAScriptNameAMessageAPatternOrAnAnswerIsShownAsTextAndNeverRuns() {
        start("page-markup-1", MARKUP_SCRIPT, Instant.now(), null);
        assertThat(http.post("/script/runs/page-markup-1/failed", "{\"message\":\"" + MARKUP_MESSAGE + "\"}").status()).isEqualTo(202);

        DashboardPage.eventually(() -> {
            WebElement row = alertRow("failed:page-markup-1");
            assertThat(row.findElement(By.cssSelector("td.script")).getText()).isEqualTo(MARKUP_SCRIPT);
            assertThat(row.findElement(By.cssSelector("td.message")).getText()).isEqualTo(MARKUP_MESSAGE);
            assertThat(dashboard.card(MARKUP_SCRIPT).getText()).contains(MARKUP_SCRIPT);
        });
        assertThat(channel("page-broken").findElement(By.cssSelector(".routes")).getText()).contains(MARKUP_GLOB);
        assertThat(channel("page-gone").findElement(By.cssSelector(".last-attempt")).getText()).contains(MARKUP_ANSWER);
        assertThat(browser.findElements(By.tagName("img"))).as("no element made of the markup").isEmpty();
        assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    @Order(19)
    void theNotificationsPanelFitsAPhone() {
        Chromium.phone(browser, 390, 844);
        try {
            browser.navigate().refresh();
            DashboardPage.eventually(() -> {
                assertThat(channel("page-hook").isDisplayed()).isTrue();
                assertThat(alertRow("failed:page-run-1").isDisplayed()).isTrue();
            });
            Number pageWidth = (Number) browser.executeScript("return document.documentElement.scrollWidth");
            assertThat(pageWidth.intValue()).as("nothing wider than the phone").isLessThanOrEqualTo(390);
            assertThat(channel("page-hook").getRect().getWidth()).isGreaterThan(300);
            assertThat(alertRow("failed:page-run-1").findElement(By.cssSelector("td.message")).isDisplayed()).isTrue();
            Chromium.screenshot(browser, "dashboard-notifications-phone");
        } finally {
            Chromium.desktop(browser);
        }
    }

    /** Before the streams run, the page is already served and says the service is starting. */
    @Test
    void whileTheServiceStartsThePageIsServedAndSaysSo() throws Exception {
        try (ApiServer starting = ApiServer.start("127.0.0.1", 0, Tokens.NONE, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
            String root = "http://127.0.0.1:" + starting.port() + "/";
            HttpResponse<String> html = HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(URI.create(root)).timeout(Patience.HTTP_REQUEST).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(html.statusCode()).isEqualTo(200);
            assertThat(html.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(html.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp).contains("default-src 'self'"));
            assertThat(html.body()).contains("<script src=\"app.js\"").doesNotContain("http://", "https://");
            HttpTestClient api = new HttpTestClient(starting.port(), null);
            for (String missing : List.of("/nope.js", "/web/app.js", "/script/nope", "/..%2Fpom.xml")) {
                assertThat(api.get(missing).status()).as(missing).isIn(400, 404);
            }

            browser.get(root);
            DashboardPage.eventually(() -> assertThat(dashboard.text("state")).isEqualTo("starting…"));
            assertThat(dashboard.text("banner")).contains("starting");
            Chromium.screenshot(browser, "dashboard-starting");
        }
    }

    private static void filter(String script, String status) {
        WebElement name = browser.findElement(By.id("filter-script"));
        name.clear();
        name.sendKeys(script);
        new Select(browser.findElement(By.id("filter-status"))).selectByValue(status);
        dashboard.click(By.id("apply-filters"));
    }

    private static WebElement badge(WebElement card) {
        return card.findElement(By.cssSelector(".schedule .badge"));
    }

    /**
     * Opens a script's schedule form as a person would: clicks its card's button, and again should the page's refresh
     * have replaced the card under the click (the form, closed, still holds what was typed in it last), or cancels a
     * form a refresh opened for another card. It is loaded once open with its fields taking input, which they do once
     * the script's settings are in, and without an error from reading them.
     */
    private static void openSchedule(String script) {
        DashboardPage.eventually(() -> {
            WebElement dialog = browser.findElement(By.id("schedule-dialog"));
            if (dialog.isDisplayed() && !script.equals(browser.findElement(By.id("schedule-script")).getAttribute("value"))) {
                browser.findElement(By.id("schedule-cancel")).click();
            }
            if (!dialog.isDisplayed()) {
                browser.findElement(By.cssSelector("#scripts [data-script='" + script + "'] .schedule-edit")).click();
            }
            assertThat(dialog.isDisplayed()).as("the form is open").isTrue();
            assertThat(browser.findElement(By.id("schedule-script")).getAttribute("value")).isEqualTo(script);
            assertThat(browser.findElement(By.id("schedule-cron")).isEnabled()).as("its settings are in").isTrue();
            assertThat(browser.findElement(By.id("schedule-error")).isDisplayed()).as("read without an error").isFalse();
        });
        assertThat(browser.findElement(By.id("schedule-title")).getText()).isEqualTo("Schedule of " + script);
    }

    /** Replaces what a field holds with {@code value}, as a person selecting it and typing would. */
    private static void type(String id, String value) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(value);
    }

    /** "in 16 h 58 min", "in 12 min", "in 40 s", "in 1 d 2 h" as whole minutes. */
    private static long minutesUntil(String relative) {
        Matcher m = Pattern.compile("in (?:(\\d+) d)? ?(?:(\\d+) h)? ?(?:(\\d+) min)? ?(?:(\\d+) s)?").matcher(relative);
        assertThat(m.matches()).as(relative).isTrue();
        long[] parts = new long[4];
        for (int i = 0; i < 4; i++) {
            parts[i] = m.group(i + 1) == null ? 0 : Long.parseLong(m.group(i + 1));
        }
        return (parts[0] * 24 + parts[1]) * 60 + parts[2];
    }

    private static WebElement pill(WebElement card) {
        return card.findElement(By.cssSelector("header .pill"));
    }

    private static String detail(String field) {
        return browser.findElement(By.cssSelector("#detail dd[data-field='" + field + "']")).getText();
    }

    /** The channel's latest test attempt as the deliveries record it, or null. */
    private static JsonNode testAttempt(String channel) {
        for (JsonNode attempt : http.get("/notifications/deliveries?channel=" + channel).data().path("deliveries")) {
            if (attempt.path("kind").asText().equals("test")) {
                return attempt;
            }
        }
        return null;
    }

    private static void putChannel(String name, String json) {
        HttpTestClient.Response put = http.put("/notifications/channels/" + name, json);
        assertThat(put.status()).as(put.text()).isEqualTo(200);
    }

    /** Neither a secret given to a channel nor its mask is anywhere in the page, text or attribute. */
    private static void assertNoSecretInThePage() {
        assertThat(browser.getPageSource()).doesNotContain(SECRET, SLACK_PATH, "slack-path", ROUTING_KEY, "********");
    }

    private static WebElement channel(String name) {
        return browser.findElement(By.cssSelector("#channels [data-channel='" + name + "']"));
    }

    @SuppressWarnings("unchecked")
    private static List<String> channelNames() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#channels [data-channel]')].map(card => card.dataset.channel)");
    }

    private static WebElement alertRow(String alertId) {
        return browser.findElement(By.cssSelector("#alerts tr[data-alert-id='" + alertId + "']"));
    }

    private static WebElement alertKind(String alertId) {
        return alertRow(alertId).findElement(By.cssSelector(".pill"));
    }

    /** The alert ids of the recent alerts, in the page's order, read in one go. */
    @SuppressWarnings("unchecked")
    private static List<String> alertIds() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#alerts tbody tr[data-alert-id]')].map(row => row.dataset.alertId)");
    }

    /**
     * A real webhook receiver on 127.0.0.1: records the {@code Runwarden-Alert-Id} of every request, answers 404 with
     * markup on {@code /gone} and 200 elsewhere; while {@link #holdTests held}, keeps a test send waiting (at most 8 s, under the
     * service's 10 s per network step) so that the page can be seen with the send in flight.
     */
    private static final class Receiver implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final List<String> alertIds = new CopyOnWriteArrayList<>();
        private volatile CountDownLatch held = new CountDownLatch(0);

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    String id = String.valueOf(exchange.getRequestHeaders().getFirst("Runwarden-Alert-Id"));
                    alertIds.add(id);
                    if (id.startsWith("test:")) {
                        held.await(8, TimeUnit.SECONDS);
                    }
                    if (exchange.getRequestURI().getPath().equals("/gone")) {
                        byte[] answer = MARKUP_ANSWER.getBytes(StandardCharsets.UTF_8);
                        exchange.sendResponseHeaders(404, answer.length);
                        exchange.getResponseBody().write(answer);
                    } else {
                        exchange.sendResponseHeaders(200, -1);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.setExecutor(executor);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url(String path) {
            return "http://127.0.0.1:" + port() + path;
        }

        List<String> alertIds() {
            return List.copyOf(alertIds);
        }

        void holdTests() {
            held = new CountDownLatch(1);
        }

        void release() {
            held.countDown();
        }

        @Override
        public void close() {
            release();
            server.stop(0);
            executor.shutdownNow();
        }
    }

}
