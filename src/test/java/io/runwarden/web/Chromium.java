package io.runwarden.web;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real headless Chromium for page tests: Debian's {@code chromium} and {@code chromium-driver}, installed with apt
 * when missing, so that {@code mvn -B verify} needs nothing set up by hand. Selenium is given both binaries, so its
 * Selenium Manager never tries to download a browser or a driver (the network here is closed to that).
 */
final class Chromium {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /**
     * The integration tests run in two JVMs, and two page tests starting together both found Chromium missing: the
     * second apt-get failed on the first one's dpkg lock. One install at a time, and none once the first is done.
     */
    private static final String INSTALL = "flock /tmp/runwarden-chromium-install.lock sh -c '"
            + "[ -x " + BROWSER + " ] && [ -x " + DRIVER + " ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive "
            + "apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium chromium-driver; }'";

    private static boolean installed;

    private Chromium() {
    }

    /** A new browser with a fresh profile in {@code profileDir}, its window 1280x900. */
    static ChromeDriver start(Path profileDir) {
        ensureInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // without these Chromium keeps calling Google's services, which floods a closed network with retries
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-default-apps", "--disable-extensions", "--lang=en-US",
                "--user-data-dir=" + profileDir.toAbsolutePath(), "--window-size=1280,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * Installs Chromium and its driver with apt when either is missing; fails with the reason when that fails. Always
     * under the lock, even when both are there: CI installs them beside the build, and a check without the lock could
     * find them unpacked and not yet configured.
     */
    static synchronized void ensureInstalled() {
        if (installed) {
            return;
        }
        Path log = Path.of("target", "chromium-install.log").toAbsolutePath();
        try {
            Files.createDirectories(log.getParent());
            Process apt = new ProcessBuilder("sh", "-c", INSTALL).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!apt.waitFor(15, TimeUnit.MINUTES)) {
                apt.destroyForcibly();
                throw new IllegalStateException("installing Chromium took over 15 minutes; see " + log);
            }
            if (apt.exitValue() != 0 || !Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
                throw new IllegalStateException("the page tests need " + BROWSER + " and " + DRIVER + "; `" + INSTALL
                        + "` exited with " + apt.exitValue() + " (it needs root and Debian's package mirror); see " + log);
            }
            installed = true;
        } catch (IOException e) {
            throw new IllegalStateException("could not run `" + INSTALL + "` to install Chromium", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing Chromium", e);
        }
    }

    /** Lays the page out for a phone (narrow viewport, touch, mobile meta viewport honoured) until {@link #desktop}. */
    static void phone(ChromeDriver driver, int width, int height) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 2, "mobile", true));
    }

    static void desktop(ChromeDriver driver) {
        driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    /** Saves the whole page, not only the viewport, as PNG, seen from its top (where the sticky header sits). */
    static Path screenshot(ChromeDriver driver, String name) {
        driver.executeScript("window.scrollTo(0, 0)");
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Number> size = (Map<String, Number>) metrics.get("cssContentSize");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", size.get("width"), "height", size.get("height"), "scale", 1)));
        return save(name, (String) shot.get("data"));
    }

    /** Saves what the viewport shows, as a person holding the phone sees it first. */
    static Path viewportScreenshot(ChromeDriver driver, String name) {
        driver.executeScript("window.scrollTo(0, 0)");
        return save(name, driver.getScreenshotAs(OutputType.BASE64));
    }

    private static Path save(String name, String base64Png) {
        Path file = Path.of("target", "screenshots", name + ".png");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(base64Png));
        } catch (IOException e) {
            throw new IllegalStateException("could not save " + file, e);
        }
        return file;
    }
}
