package io.runwarden.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** One scrape of runwarden's {@code /metrics} (Prometheus text format): each sample by its name and labels as written. */
record Metrics(Map<String, Double> samples) {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Metrics scrape(int port) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (!line.isBlank() && !line.startsWith("#") && space > 0) {
                samples.put(line.substring(0, space).trim(), Double.parseDouble(line.substring(space + 1).trim()));
            }
        }
        return new Metrics(samples);
    }

    /** A sample, e.g. {@code runwarden_start_check_duration_seconds_bucket{le="1.0"}}; 0 when the registry has not written it. */
    double get(String sample) {
        return samples.getOrDefault(sample, 0.0);
    }
}
