package io.runwarden.web;

import io.runwarden.Patience;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** The dashboard as its tests look at it in Chromium: the page renders asynchronously and re-renders every second. */
final class DashboardPage {
    private final ChromeDriver browser;

    DashboardPage(ChromeDriver browser) {
        this.browser = browser;
    }

    /** An element found a moment ago may be gone after a refresh: find it again and retry. */
    void click(By element) {
        eventually(() -> browser.findElement(element).click());
    }

    /** The run ids of the table's rows, read in one go so that a refresh cannot replace the rows half-way through. */
    @SuppressWarnings("unchecked")
    List<String> rowIds() {
        return (List<String>) browser.executeScript(
                "return [...document.querySelectorAll('#runs tbody tr[data-run-id]')].map(row => row.dataset.runId)");
    }

    WebElement card(String script) {
        return browser.findElement(By.cssSelector("#scripts [data-script='" + script + "']"));
    }

    String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** Retries until the page shows what is expected. */
    static void eventually(Runnable assertion) {
        await().atMost(Patience.PAGE).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(assertion::run);
    }
}
