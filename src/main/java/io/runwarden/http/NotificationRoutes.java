package io.runwarden.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.runwarden.model.Alert;
import io.runwarden.model.CodePointOrder;
import io.runwarden.notify.Channel;
import io.runwarden.notify.ChannelJson;
import io.runwarden.notify.DeliveriesQuery;
import io.runwarden.service.Channels;
import io.runwarden.service.Services;

import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Notification channels, masked in every answer, and their test sends; the attempts to deliver notifications and the
 * latest alerts, which every instance reads whole. A PUT replaces a channel: a masked value sent back keeps the
 * stored one, and {@code createdAt} is runwarden's to set.
 */
final class NotificationRoutes implements Routes {
    static final int DEFAULT_DELIVERIES = 100;
    static final int MAX_DELIVERIES = 1_000;
    static final int DEFAULT_ALERTS = 50;
    static final int MAX_ALERTS = 500;
    private static final String CHANNEL = "/notifications/channels/{name}";

    record ChannelList(List<Channels.View> channels) {
    }

    record Deleted(String deleted) {
    }

    record AlertList(List<Alert> alerts) {
    }

    private final Supplier<Services> services;

    NotificationRoutes(Supplier<Services> services) {
        this.services = services;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/notifications/channels", ctx -> Envelope.ok(ctx, new ChannelList(channels().list().stream()
                .sorted(Comparator.comparing(Channels.View::name, CodePointOrder.COMPARATOR)).toList())), Need.READ);
        routes.get(CHANNEL, ctx -> {
            String name = Params.pathId(ctx, "name");
            Envelope.ok(ctx, channels().get(name).orElseThrow(() -> noChannel(name)));
        }, Need.READ);
        routes.put(CHANNEL, this::put, Need.WRITE);
        routes.delete(CHANNEL, this::delete, Need.WRITE);
        routes.post(CHANNEL + "/test", ctx -> {
            String name = Params.pathId(ctx, "name");
            Envelope.ok(ctx, channels().test(name).orElseThrow(() -> noChannel(name)));
        }, Need.WRITE);
        routes.get("/notifications/deliveries", this::deliveries, Need.READ);
        routes.get("/notifications/alerts", ctx -> Envelope.ok(ctx, new AlertList(services.get().alerts().recent(
                Params.id(ctx, "scriptName"), Params.integer(ctx, "limit", DEFAULT_ALERTS, 1, MAX_ALERTS)))), Need.READ);
    }

    private void put(Context ctx) {
        String name = Params.pathId(ctx, "name");
        Channel incoming = ChannelJson.read(Params.jsonBytes(ctx));
        if (incoming.createdAt() != null) {
            throw ApiException.badRequest("createdAt", "is set by runwarden when the channel is created, and kept; leave it out");
        }
        Envelope.ok(ctx, channels().put(name, incoming));
    }

    private void delete(Context ctx) {
        String name = Params.pathId(ctx, "name");
        if (!channels().delete(name)) {
            throw noChannel(name);
        }
        Envelope.ok(ctx, new Deleted(name));
    }

    private void deliveries(Context ctx) {
        String channel = Params.id(ctx, "channel");
        String scriptName = Params.id(ctx, "scriptName");
        int limit = Params.integer(ctx, "limit", DEFAULT_DELIVERIES, 1, MAX_DELIVERIES);
        DeliveriesQuery query;
        try {
            query = new DeliveriesQuery(channel, scriptName, limit, QueryString.first(ctx, "cursor"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("cursor", "is not a cursor this API returned");
        }
        Envelope.ok(ctx, services.get().deliveries().page(query));
    }

    private static ApiException noChannel(String name) {
        return ApiException.notFound("no channel " + name);
    }

    private Channels channels() {
        return services.get().channels();
    }
}
