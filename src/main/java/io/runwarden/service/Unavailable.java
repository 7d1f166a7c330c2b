package io.runwarden.service;

/** The service cannot answer now (Kafka did not take a write, an instance is unreachable, a rebalance): retry shortly. */
public final class Unavailable extends RuntimeException {
    public Unavailable(String message) {
        super(message);
    }
}
