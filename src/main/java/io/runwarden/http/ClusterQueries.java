package io.runwarden.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import io.runwarden.model.Json;
import io.runwarden.model.RunRecord;
import io.runwarden.model.ScriptStats;
import io.runwarden.model.SweepProgress;
import io.runwarden.stream.Stores;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Answers a query for the whole cluster: the local partitions through {@link LocalQueries}, the others by
 * asking, over HTTP, the instances that own them ({@code application.server} and Streams metadata), then merges.
 */
public final class ClusterQueries {
    static final String INTERNAL = "/internal";
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaStreams streams;
    private final LocalQueries local;
    private final HostInfo self;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    public ClusterQueries(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.local = new LocalQueries(streams);
        this.self = self;
    }

    public LocalQueries local() {
        return local;
    }

    public LogsPage logs(LogsQuery query, String encodedCursor) {
        List<LogsPage> pages = new ArrayList<>();
        pages.add(local.logs(query));
        for (HostInfo host : otherHosts()) {
            pages.add(get(host, INTERNAL + "/logs" + logsQueryString(query, encodedCursor), LogsPage.class));
        }
        if (pages.size() == 1) {
            return pages.get(0);
        }
        List<RunRecord> merged = pages.stream().flatMap(p -> p.logs().stream())
                .sorted(Comparator.comparing(LocalQueries::position)).collect(Collectors.toList());
        boolean more = merged.size() > query.limit() || pages.stream().anyMatch(p -> p.nextCursor() != null);
        List<RunRecord> page = merged.subList(0, Math.min(query.limit(), merged.size()));
        return new LogsPage(List.copyOf(page), more && !page.isEmpty() ? LocalQueries.position(page.get(page.size() - 1)) : null);
    }

    public Map<String, ScriptStats> scriptStats() {
        Map<String, ScriptStats> merged = new HashMap<>(local.scriptStats());
        JavaType type = Json.MAPPER.getTypeFactory().constructMapType(LinkedHashMap.class, String.class, ScriptStats.class);
        for (HostInfo host : otherHosts()) {
            Map<String, ScriptStats> remote = get(host, INTERNAL + "/script-stats", type);
            remote.forEach((script, stats) -> merged.merge(script, stats, ScriptStats::merge));
        }
        return merged;
    }

    public DueRuns due(Instant asOf, int limit) {
        DueRuns due = local.due(asOf, limit);
        for (HostInfo host : otherHosts()) {
            due = due.merge(get(host, INTERNAL + "/due?limit=" + limit + "&asOf=" + encode(asOf.toString()), DueRuns.class), limit);
        }
        return due;
    }

    public Optional<RunRecord> run(String runId) {
        return byKey(Stores.RUNS, runId, local::run, "/runs/", RunRecord.class);
    }

    public Optional<SweepProgress> sweep(String sweepId) {
        return byKey(Stores.SWEEPS, sweepId, local::sweep, "/sweeps/", SweepProgress.class);
    }

    /** One key's value, read where Kafka Streams says the key lives: here, or on the instance that owns it. */
    private <T> Optional<T> byKey(String store, String key, BiFunction<String, Integer, Optional<T>> here,
                                  String internalPath, Class<T> type) {
        KeyQueryMetadata owner = owner(store, key);
        if (owner.activeHost().equals(self)) {
            return here.apply(key, owner.partition());
        }
        return Optional.ofNullable(getOrNull(owner.activeHost(),
                INTERNAL + internalPath + encode(key) + "?partition=" + owner.partition(), type));
    }

    private KeyQueryMetadata owner(String store, String key) {
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
            throw ApiException.unavailable("the owner of this key is not known yet (rebalancing)");
        }
        return metadata;
    }

    private List<HostInfo> otherHosts() {
        return streams.metadataForAllStreamsClients().stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self))
                .distinct().toList();
    }

    private static String logsQueryString(LogsQuery query, String encodedCursor) {
        StringBuilder qs = new StringBuilder("?limit=").append(query.limit());
        if (query.scriptName() != null) {
            qs.append("&scriptName=").append(encode(query.scriptName()));
        }
        if (query.status() != null) {
            qs.append("&status=").append(query.status());
        }
        if (query.from() != null) {
            qs.append("&from=").append(encode(query.from().toString()));
        }
        if (query.to() != null) {
            qs.append("&to=").append(encode(query.to().toString()));
        }
        if (encodedCursor != null) {
            qs.append("&cursor=").append(encode(encodedCursor));
        }
        return qs.toString();
    }

    private <T> T get(HostInfo host, String path, Class<T> type) {
        return get(host, path, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private <T> T getOrNull(HostInfo host, String path, Class<T> type) {
        HttpResponse<byte[]> response = call(host, path);
        return response.statusCode() == 404 ? null : read(host, response, Json.MAPPER.getTypeFactory().constructType(type));
    }

    private <T> T get(HostInfo host, String path, JavaType type) {
        return read(host, call(host, path), type);
    }

    private <T> T read(HostInfo host, HttpResponse<byte[]> response, JavaType type) {
        if (response.statusCode() != 200) {
            throw ApiException.unavailable("instance " + host + " answered " + response.statusCode());
        }
        try {
            Envelope.Ok ok = Json.MAPPER.readValue(response.body(), new TypeReference<Envelope.Ok>() { });
            return Json.MAPPER.convertValue(ok.data(), type);
        } catch (IOException | IllegalArgumentException e) {
            throw ApiException.unavailable("instance " + host + " gave an unreadable answer");
        }
    }

    private HttpResponse<byte[]> call(HostInfo host, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + path))
                .timeout(REMOTE_TIMEOUT).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ApiException.unavailable("instance " + host + " is unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted while asking " + host);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
