package io.runwarden.service;

import java.util.function.Supplier;

/** The service cannot answer now (Kafka did not take a write, an instance is unreachable, a rebalance): retry shortly. */
public final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
        super(message);
    }

    /**
     * Asks Kafka Streams for its cluster's metadata or a global store, which it refuses with IllegalStateException
     * once it is no longer running or rebalancing: a request that passed the API's readiness check as the service
     * began to stop gets 503, not 500.
     */
    static <T> T unlessStopping(Supplier<T> ask) {
        try {
            return ask.get();
        } catch (IllegalStateException e) {
            throw new Unavailable("the streams are not running: " + e.getMessage());
        }
    }
}
