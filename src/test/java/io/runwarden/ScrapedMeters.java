package io.runwarden;

import io.runwarden.http.HttpTestClient;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A service's meters as Prometheus scrapes them from its {@code /metrics}. */
final class ScrapedMeters {
    private ScrapedMeters() {
    }

    /** A meter's value summed over its labels; the meter must be on the page. */
    static double total(int port, String meter) {
        String metrics = new HttpTestClient(port, null).getText("/metrics").text();
        List<String> lines = metrics.lines().filter(line -> line.startsWith(meter + " ") || line.startsWith(meter + "{"))
                .toList();
        assertThat(lines).as(meter + " on /metrics").isNotEmpty();
        return lines.stream().mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }
}
