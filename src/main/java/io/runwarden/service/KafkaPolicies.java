package io.runwarden.service;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.ScriptPolicy;
import io.runwarden.schedule.PolicyRules;
import org.apache.kafka.clients.producer.Producer;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/** Policies written to {@code script-policies} and read from every instance's global store of them. */
final class KafkaPolicies implements Policies {
    private final Producer<String, byte[]> producer;
    private final GlobalStores stores;
    private final Duration defaultMaxRuntime;
    private final Clock clock;
    private final AtomicLong changes = new AtomicLong();

    KafkaPolicies(Producer<String, byte[]> producer, GlobalStores stores, Duration defaultMaxRuntime, Clock clock) {
        this.producer = producer;
        this.stores = stores;
        this.defaultMaxRuntime = defaultMaxRuntime;
        this.clock = clock;
    }

    @Override
    public View get(String scriptName) {
        ScriptPolicy policy = current(scriptName);
        return View.of(policy == null ? ScriptPolicy.none(scriptName) : policy, defaultMaxRuntime, clock.instant());
    }

    /**
     * A policy that sets nothing any more is removed (a tombstone), not kept empty. One change at a time: two that
     * read the same policy would each write it with only their own fields, and one would wait for a write that never
     * shows.
     */
    @Override
    public synchronized View change(String scriptName, Change change) {
        Instant now = clock.instant();
        ScriptPolicy next = PolicyRules.checked(scriptName, change.applyTo(scriptName, current(scriptName), now), now);
        ScriptPolicy kept = next.empty() ? null : next;
        Writes.send(producer, Topics.SCRIPT_POLICIES, scriptName, kept == null ? null : Json.bytes(kept), null);
        Writes.awaitVisible(() -> Objects.equals(kept, current(scriptName)));
        changes.incrementAndGet();
        return View.of(next, defaultMaxRuntime, now);
    }

    /** How many changes this instance has made, each counted once it is visible here. */
    long changes() {
        return changes.get();
    }

    private ScriptPolicy current(String scriptName) {
        return stores.<ScriptPolicy>get(StoreNames.POLICIES).get(scriptName);
    }
}
