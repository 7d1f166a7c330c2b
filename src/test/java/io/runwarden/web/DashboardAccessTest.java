package io.runwarden.web;

import io.runwarden.IntegrationTest;
import io.runwarden.Patience;
import io.runwarden.RunwardenService;
import io.runwarden.TestSettings;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real headless Chromium against a service that has both an API token and a read token (DESIGN
 * "Access"): reads need a token, so the page asks for one first; with the read token it shows everything and offers no
 * change at all (the write controls are not in the page, not merely hidden); with the API token it offers them and they
 * work; a wrong token is asked for again; a cancelled dialog leaves the page saying it needs a token, and nothing brings
 * the dialog back by itself. One service and one browser tab; the tests run in order because each one starts from the
 * token the previous one left in the tab.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@IntegrationTest
class DashboardAccessTest {
    private static final String API_TOKEN = "access-api-token";
    private static final String READ_TOKEN = "access-read-token";
    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    /** The write controls of the page, none of which may be in it with a read token. */
    private static final List<By> WRITE_CONTROLS = List.of(By.id("cleanup"), By.id("add-schedule"), By.id("schedule-dialog"),
            By.id("schedule-remove"), By.cssSelector(".schedule-edit"), By.cssSelector(".schedule-pause"),
            By.cssSelector(".send-test"), By.cssSelector(".card-actions"));
    private static RunwardenService service;
    private static HttpTestClient http;
    private static ChromeDriver browser;
    private static DashboardPage dashboard;
    private static String page;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("runwarden-access-page");
        service = RunwardenService.start(TestSettings.env("RUNWARDEN_DATA_DIR", dir.toString(),
                "RUNWARDEN_API_TOKEN", API_TOKEN, "RUNWARDEN_READ_TOKEN", READ_TOKEN,
                "RUNWARDEN_APPLICATION_ID", "runwarden-access-page-test"));
        http = new HttpTestClient(service.httpPort(), API_TOKEN);
        page = "http://127.0.0.1:" + service.httpPort() + "/?refresh=1";
        // a run far past its deadline (for "Clean up now"), a scheduled script (edit, pause) and a channel (send test)
        startRun("stale-1", "stale", NOW.minus(Duration.ofDays(4)));
        startRun("nightly-1", "nightly", NOW.minus(Duration.ofMinutes(10)));
        assertThat(http.put("/script/policies/nightly", "{\"schedule\":\"0 3 * * *\"}").status()).isEqualTo(200);
        // disabled: it never sends, so where it points does not matter
        assertThat(http.put("/notifications/channels/access-hook",
                "{\"type\":\"webhook\",\"url\":\"https://hooks.example.com/access\",\"enabled\":false}").status()).isEqualTo(200);
        await().atMost(Patience.APPLIED).until(() ->
                http.get("/script/logs?limit=100").data().path("logs").size() == 2
                        && http.get("/script/dashboard-view").data().path("scripts").findValuesAsText("schedule").contains("0 3 * * *"));
        browser = Chromium.start(Files.createTempDirectory("chromium-access-profile"));
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
    }

    private static void startRun(String runId, String script, Instant time) {
        String body = "{\"runId\":\"" + runId + "\",\"scriptName\":\"" + script + "\",\"time\":\"" + time + "\"}";
        assertThat(http.post("/script/runs", body).status()).isEqualTo(201);
    }

    @Test
    @Order(1)
    void withAReadTokenConfiguredThePageFirstAsksForAToken() {
        browser.get(page);

        DashboardPage.eventually(() -> assertThat(dialogOpen()).isTrue());
        assertThat(dashboard.text("token-title")).isEqualTo("Token");
        assertThat(dashboard.text("token-purpose")).isEqualTo("read this dashboard");
        assertThat(browser.findElement(By.id("token-dialog")).getText()).contains("RUNWARDEN_READ_TOKEN", "RUNWARDEN_API_TOKEN");
        assertThat(browser.findElement(By.id("token-error")).isDisplayed()).as("no token was refused yet").isFalse();
        assertThat(dashboard.rowIds()).as("nothing read without a token").isEmpty();
        Chromium.viewportScreenshot(browser, "dashboard-access-asks");
    }

    @Test
    @Order(2)
    void givenTheReadTokenItShowsTheRunsReadOnlyWithNoWriteControls() {
        browser.findElement(By.id("token-input")).sendKeys(READ_TOKEN);
        dashboard.click(By.id("token-submit"));

        DashboardPage.eventually(() -> {
            assertThat(dashboard.rowIds()).containsExactlyInAnyOrder("stale-1", "nightly-1");
            assertThat(dashboard.card("nightly").findElement(By.cssSelector(".schedule .cron")).getText()).isEqualTo("0 3 * * *");
            assertThat(browser.findElement(By.cssSelector("#channels [data-channel='access-hook']")).isDisplayed()).isTrue();
            assertThat(dashboard.text("access-badge")).isEqualTo("Read-only token: changes are disabled");
            assertThat(browser.findElement(By.id("access-other")).isDisplayed()).isTrue();
            assertThat(dashboard.text("access-other")).isEqualTo("Use another token");
            assertThat(dashboard.text("state")).startsWith("updated ");
        });
        assertThat(dialogOpen()).isFalse();
        assertThat(storedToken()).isEqualTo(READ_TOKEN);
        for (By control : WRITE_CONTROLS) {
            assertThat(browser.findElements(control)).as("%s is not in the page, not even hidden", control).isEmpty();
        }
        assertThat(browser.getPageSource()).doesNotContain("Clean up now", "Send test", "Add a schedule", "Edit schedule");
        Chromium.screenshot(browser, "dashboard-read-only");
        Chromium.phone(browser, 390, 844);
        try {
            DashboardPage.eventually(() -> {
                assertThat(browser.findElement(By.id("access-badge")).isDisplayed()).isTrue();
                Number width = (Number) browser.executeScript("return document.documentElement.scrollWidth");
                assertThat(width.intValue()).as("the read-only header fits a phone").isLessThanOrEqualTo(390);
            });
            Chromium.viewportScreenshot(browser, "dashboard-read-only-phone");
        } finally {
            Chromium.desktop(browser);
        }

        // the server agrees: a change sent with the read token, by hand, is refused and changes nothing
        Map<String, Object> write = fetch("POST", "script/cleanup-stale");
        assertThat(write.get("status")).as("%s", write).isEqualTo(403L);
        assertThat((String) write.get("body")).contains("\"forbidden\"");
        assertThat(http.get("/script/logs/stale-1").data().path("status").asInt()).as("nothing swept").isEqualTo(2);
        assertThat(fetch("GET", "access").get("body")).asString().contains("\"token\":\"read\"", "\"write\":false");
    }

    @Test
    @Order(3)
    void aWrongTokenGetsTheDialogAgainWithItsErrorLineAndCancellingLeavesTheNeedsATokenState() {
        dashboard.click(By.id("access-other"));
        DashboardPage.eventually(() -> assertThat(dialogOpen()).isTrue());
        browser.findElement(By.id("token-input")).sendKeys("not-a-token");
        dashboard.click(By.id("token-submit"));

        // the page loads again with it, is refused, forgets it and asks again, saying why
        DashboardPage.eventually(() -> {
            assertThat(dialogOpen()).isTrue();
            assertThat(browser.findElement(By.id("token-error")).isDisplayed()).isTrue();
            assertThat(dashboard.text("token-error")).isEqualTo("That token was refused; enter the right one.");
        });
        assertThat(storedToken()).isNull();
        Chromium.viewportScreenshot(browser, "dashboard-access-refused");

        dashboard.click(By.id("token-cancel"));
        DashboardPage.eventually(() -> {
            assertThat(dialogOpen()).isFalse();
            assertThat(browser.findElement(By.id("locked")).isDisplayed()).isTrue();
            assertThat(dashboard.text("locked")).contains("This dashboard needs a token.");
            assertThat(dashboard.text("state")).isEqualTo("needs a token");
            assertThat(browser.findElement(By.id("locked-enter")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.tagName("main")).isDisplayed()).isFalse();
        });
        Chromium.viewportScreenshot(browser, "dashboard-access-needs-token");

        // neither the periodic refresh (every second here) nor the tab coming back asks again, nor reads anything
        browser.executeScript("window.fetches = 0; const original = window.fetch;"
                + "window.fetch = (...args) => { window.fetches++; return original(...args); };"
                + "document.dispatchEvent(new Event('visibilitychange'));");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> !dialogOpen() && ((Number) browser.executeScript("return window.fetches")).intValue() == 0);
        assertThat(browser.findElement(By.id("locked")).isDisplayed()).isTrue();
    }

    @Test
    @Order(4)
    void givenTheApiTokenTheWriteControlsAreThereAndCleanUpNowWorks() {
        dashboard.click(By.id("locked-enter"));
        DashboardPage.eventually(() -> assertThat(dialogOpen()).isTrue());
        assertThat(browser.findElement(By.id("token-error")).isDisplayed()).as("asked for, not refused").isFalse();
        browser.findElement(By.id("token-input")).sendKeys(API_TOKEN);
        dashboard.click(By.id("token-submit"));

        DashboardPage.eventually(() -> {
            assertThat(dashboard.rowIds()).containsExactlyInAnyOrder("stale-1", "nightly-1");
            assertThat(dashboard.text("access-badge")).isEqualTo("API token");
            assertThat(browser.findElement(By.id("access-forget")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.id("access-other")).isDisplayed()).isFalse();
            assertThat(browser.findElement(By.id("cleanup")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.id("add-schedule")).isDisplayed()).isTrue();
            assertThat(dashboard.card("nightly").findElement(By.cssSelector(".schedule-edit")).isDisplayed()).isTrue();
            assertThat(dashboard.card("nightly").findElement(By.cssSelector(".schedule-pause")).isDisplayed()).isTrue();
            assertThat(browser.findElement(By.cssSelector("#channels [data-channel='access-hook'] .send-test")).isDisplayed()).isTrue();
        });
        assertThat(browser.findElement(By.id("locked")).isDisplayed()).isFalse();
        assertThat(storedToken()).isEqualTo(API_TOKEN);
        Chromium.screenshot(browser, "dashboard-api-token");

        dashboard.click(By.id("cleanup"));
        DashboardPage.eventually(() -> assertThat(dashboard.text("cleanup-total")).isEqualTo("1"));
        assertThat(dashboard.text("cleanup-result")).contains("Clean-up done: 1 run marked failed in 1 script (stale)");
        assertThat(dialogOpen()).as("the tab's token was used: nothing asked").isFalse();
        assertThat(http.get("/script/logs/stale-1").data().path("status").asInt()).isEqualTo(-1);
        DashboardPage.eventually(() -> assertThat(dashboard.card("stale").findElement(By.cssSelector("header .pill")).getText()).isEqualTo("failed"));
    }

    /** The tab's token turns out to read only when a change is refused with 403: the page turns read-only and says why. */
    @Test
    @Order(5)
    void aChangeRefusedAsReadOnlyTurnsThePageReadOnlyWithAClearMessage() {
        browser.executeScript("sessionStorage.setItem('runwarden.token', arguments[0])", READ_TOKEN);
        dashboard.click(By.cssSelector("#scripts [data-script='nightly'] .schedule-pause"));

        DashboardPage.eventually(() -> {
            assertThat(browser.findElement(By.id("access-note")).isDisplayed()).isTrue();
            assertThat(dashboard.text("access-note")).startsWith("That token can only read: nothing was changed");
            assertThat(dashboard.text("access-badge")).isEqualTo("Read-only token: changes are disabled");
            assertThat(dashboard.text("scripts-error")).isEqualTo("Could not pause nightly: this token can only read, so nothing was changed");
        });
        assertThat(dialogOpen()).isFalse();
        for (By control : WRITE_CONTROLS) {
            assertThat(browser.findElements(control)).as("%s is gone from the page", control).isEmpty();
        }
        assertThat(http.get("/script/policies/nightly").data().path("paused").asBoolean()).as("still running").isFalse();
        DashboardPage.eventually(() -> assertThat(dashboard.text("state")).as("still reading with it").startsWith("updated "));
    }

    @Test
    @Order(6)
    void forgetTokenDropsItAndThePageAsksAgain() {
        dashboard.click(By.id("access-forget"));

        DashboardPage.eventually(() -> {
            assertThat(dialogOpen()).isTrue();
            assertThat(browser.findElement(By.id("token-error")).isDisplayed()).isFalse();
        });
        assertThat(storedToken()).isNull();
        assertThat(dashboard.rowIds()).isEmpty();
    }

    /**
     * The page loads again with a new token, and the new page is slow to come: meanwhile the old page, still running,
     * refreshes with that token and is refused. Whatever it hears then must not drop the token: the new page tries it
     * and says it was refused, instead of asking afresh as if none had been given.
     */
    @Test
    @Order(7)
    void aRefusalTheOldPageHearsWhileTheNewOneLoadsDropsNoToken() throws Exception {
        // longer than two of the page's refreshes (every second here), so the old page refreshes while it waits
        try (SlowPageProxy slow = new SlowPageProxy(service.httpPort(), Duration.ofSeconds(4))) {
            browser.get("http://127.0.0.1:" + slow.port() + "/?refresh=1");
            DashboardPage.eventually(() -> assertThat(dialogOpen()).isTrue());
            browser.findElement(By.id("token-input")).sendKeys(READ_TOKEN);
            dashboard.click(By.id("token-submit"));
            DashboardPage.eventually(() -> assertThat(dashboard.text("state")).startsWith("updated "));

            dashboard.click(By.id("access-other"));
            DashboardPage.eventually(() -> assertThat(dialogOpen()).isTrue());
            browser.executeScript("window.oldPage = true");
            browser.findElement(By.id("token-input")).sendKeys("not-a-token");
            dashboard.click(By.id("token-submit"));

            DashboardPage.eventually(() -> {
                assertThat(browser.executeScript("return window.oldPage === undefined")).as("the new page").isEqualTo(true);
                assertThat(dialogOpen()).isTrue();
                assertThat(browser.findElement(By.id("token-error")).isDisplayed()).isTrue();
                assertThat(dashboard.text("token-error")).isEqualTo("That token was refused; enter the right one.");
            });
        }
    }

    /** A request made by script from the page, with the tab's token: {status, body}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> fetch(String method, String path) {
        return (Map<String, Object>) browser.executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[1], {method: arguments[0], headers: {Accept: 'application/json',"
                + " Authorization: 'Bearer ' + sessionStorage.getItem('runwarden.token')}})"
                + ".then(async (r) => done({status: r.status, body: await r.text()}), (e) => done({status: -1, body: String(e)}));",
                method, path);
    }

    private static boolean dialogOpen() {
        return Boolean.TRUE.equals(browser.executeScript("return document.getElementById('token-dialog').open"));
    }

    private static String storedToken() {
        return (String) browser.executeScript("return sessionStorage.getItem('runwarden.token')");
    }

}
