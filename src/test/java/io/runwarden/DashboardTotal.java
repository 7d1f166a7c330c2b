package io.runwarden;

import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.http.HttpTestClient;
import io.runwarden.sweep.SweepProtocol;

/**
 * What a test waiting on a real service reads to know every run it reported arrived: the dashboard's runs over all
 * scripts but the cleanup job's audit runs, which a service started in the minute after 02:00 UTC records on its own
 * (HangingTransactionTest once counted 7 runs of its 6 so).
 */
final class DashboardTotal {
    private DashboardTotal() {
    }

    /** Every run the dashboard counts, over all scripts but the audit runs; -1 while the service cannot answer. */
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
            if (!script.path("scriptName").asText().equals(SweepProtocol.AUDIT_SCRIPT)) {
                total += script.path("counts").path("total").asLong();
            }
        }
        return total;
    }
}
