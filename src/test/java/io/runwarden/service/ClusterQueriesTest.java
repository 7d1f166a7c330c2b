package io.runwarden.service;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the owner of a key reads from the path another instance asks it with. */
class ClusterQueriesTest {
    @Test
    void aKeyReachesItsOwnerAsItIsSpacesPlusesSlashesAndAllIncluded() throws Exception {
        Javalin owner = Javalin.create(config -> config.routes.get(LocalPartitions.PATH + "/runs/{runId}",
                ctx -> ctx.result(ctx.pathParam("runId")))).start("127.0.0.1", 0);
        try {
            HttpClient http = HttpClient.newHttpClient();
            for (String key : List.of("nightly backup/1+ü", "a b", "a+b", "..", "x?y#z&w=%41")) {
                URI uri = URI.create("http://127.0.0.1:" + owner.port() + LocalPartitions.PATH + "/runs/"
                        + ClusterQueries.pathSegment(key) + "?partition=0");
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.body()).as(key).isEqualTo(key);
            }
        } finally {
            owner.stop();
        }
    }
}
