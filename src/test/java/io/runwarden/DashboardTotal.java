package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.http.HttpTestClient;

/** What a test waiting on a real service reads to know every run arrived: the dashboard's runs over all scripts. */
final class DashboardTotal {
    private DashboardTotal() {
    }

    /** Every run the dashboard counts, over all scripts; -1 while the service cannot answer. */
    static long runs(HttpTestClient http) {
        HttpTestClient.Response response;
        try {
            response = http.get("/script/dashboard-view");
        } catch (AssertionError down) {
            return -1;
        }
        if (response.status() != 200) {
            return -1;
        }
        long total = 0;
        for (JsonNode script : response.data().path("scripts")) {
            total += script.path("counts").path("total").asLong();
        }
        return total;
    }
}
