package io.runwarden.service;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import io.runwarden.kafka.StoreNames;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.runs.DueRuns;
import io.runwarden.runs.LogsPage;
import io.runwarden.runs.LogsQuery;
import io.runwarden.sweep.SweepProgress;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Answers a query for the whole cluster: the local partitions through {@link LocalPartitions}, the others by asking,
 * over HTTP, the instances that own them ({@code application.server} and Streams metadata), then merges.
 */
final class ClusterQueries {
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final LocalPartitions local;
    private final HostInfo self;
    /** The first API token: the internal routes need it, and instances share it (DESIGN "Access"). */
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    ClusterQueries(KafkaStreams streams, LocalPartitions local, HostInfo self, Optional<String> token) {
        this.streams = streams;
        this.local = local;
        this.self = self;
        this.token = token;
    }

    LogsPage logs(LogsQuery query) {
        List<LogsPage> pages = new ArrayList<>();
        pages.add(local.logs(query));
        for (HostInfo host : otherHosts()) {
            pages.add(get(host, "/logs" + logsQueryString(query), type(LogsPage.class)));
        }
        return LogsPage.merge(pages, query.limit());
    }

    Map<String, ScriptStats> scriptStats() {
        Map<String, ScriptStats> merged = new HashMap<>(local.scriptStats());
        JavaType type = Json.MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, ScriptStats.class);
        for (HostInfo host : otherHosts()) {
            Map<String, ScriptStats> remote = get(host, "/script-stats", type);
            remote.forEach((script, stats) -> merged.merge(script, stats, ScriptStats::merge));
        }
        return merged;
    }

    /** The version of {@link #scriptStats} when this instance holds every partition, else null. */
    Object scriptStatsVersion() {
        return otherHosts().isEmpty() ? local.scriptStatsVersion() : null;
    }

    DueRuns due(Instant asOf, int limit) {
        DueRuns due = local.due(asOf, limit);
        for (HostInfo host : otherHosts()) {
            due = due.merge(get(host, "/due?limit=" + limit + "&asOf=" + encode(asOf.toString()), type(DueRuns.class)), limit);
        }
        return due;
    }

    Optional<RunRecord> run(String runId) {
        return byKey(StoreNames.RUNS, runId, local::run, "/runs/", RunRecord.class);
    }

    Optional<SweepProgress> sweep(String sweepId) {
        return byKey(StoreNames.SWEEPS, sweepId, local::sweep, "/sweeps/", SweepProgress.class);
    }

    /** One key's value, read where Kafka Streams says the key lives: here, or on the instance that owns it. */
    private <T> Optional<T> byKey(String store, String key, BiFunction<String, Integer, Optional<T>> here,
                                  String path, Class<T> type) {
        KeyQueryMetadata owner = Unavailable.unlessStopping(
                () -> streams.queryMetadataForKey(store, key, Serdes.String().serializer()));
        if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw new Unavailable("the owner of this key is not known yet (rebalancing)");
        }
        if (owner.activeHost().equals(self)) {
            return here.apply(key, owner.partition());
        }
        HttpResponse<byte[]> response = call(owner.activeHost(), path + pathSegment(key) + "?partition=" + owner.partition());
        return response.statusCode() == 404 ? Optional.empty()
                : Optional.of(read(owner.activeHost(), response, type(type)));
    }

    private List<HostInfo> otherHosts() {
        return Unavailable.unlessStopping(streams::metadataForAllStreamsClients).stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self))
                .distinct().toList();
    }

    private static String logsQueryString(LogsQuery query) {
        StringBuilder qs = new StringBuilder("?limit=").append(query.limit());
        if (query.scriptName() != null) {
            qs.append("&scriptName=").append(encode(query.scriptName()));
        }
        if (query.status() != null) {
            qs.append("&status=").append(query.status().code());
        }
        if (query.from() != null) {
            qs.append("&from=").append(encode(query.from().toString()));
        }
        if (query.to() != null) {
            qs.append("&to=").append(encode(query.to().toString()));
        }
        if (query.cursor() != null) {
            qs.append("&cursor=").append(encode(query.cursor()));
        }
        return qs.toString();
    }

    private static JavaType type(Class<?> type) {
        return Json.MAPPER.getTypeFactory().constructType(type);
    }

    private <T> T get(HostInfo host, String path, JavaType type) {
        return read(host, call(host, path), type);
    }

    /** The {@code data} of the API's envelope. */
    private <T> T read(HostInfo host, HttpResponse<byte[]> response, JavaType type) {
        if (response.statusCode() != 200) {
            throw new Unavailable("instance " + host + " answered " + response.statusCode());
        }
        try {
            JsonNode data = Json.MAPPER.readTree(response.body()).get("data");
            if (data == null) {
                throw new IOException("no data");
            }
            return Json.MAPPER.convertValue(data, type);
        } catch (IOException | IllegalArgumentException e) {
            throw new Unavailable("instance " + host + " gave an unreadable answer");
        }
    }

    private HttpResponse<byte[]> call(HostInfo host, String path) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + LocalPartitions.PATH + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REMOTE_TIMEOUT).GET();
        token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Unavailable("instance " + host + " is unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking " + host);
        }
    }

    /**
     * A key as one path segment: form encoding but for the space, which a path keeps as {@code +} (a run id with a
     * space was asked for with a {@code +} in its place, and answered 404 by its owner).
     */
    static String pathSegment(String key) {
        return encode(key).replace("+", "%20");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
