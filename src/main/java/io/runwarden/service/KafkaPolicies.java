package io.runwarden.service;

import io.runwarden.kafka.StoreNames;
import io.runwarden.kafka.Topics;
import io.runwarden.model.Json;
import io.runwarden.model.MaxRuntime;
import io.runwarden.model.ScriptPolicy;
import org.apache.kafka.clients.producer.Producer;

import java.time.Duration;
import java.util.Objects;

/** Policies written to {@code script-policies} and read from every instance's global store of them. */
final class KafkaPolicies implements Policies {
    private final Producer<String, byte[]> producer;
    private final GlobalStores stores;
    private final Duration defaultMaxRuntime;

    KafkaPolicies(Producer<String, byte[]> producer, GlobalStores stores, Duration defaultMaxRuntime) {
        this.producer = producer;
        this.stores = stores;
        this.defaultMaxRuntime = defaultMaxRuntime;
    }

    @Override
    public View get(String scriptName) {
        return view(scriptName, current(scriptName));
    }

    @Override
    public View set(String scriptName, Duration maxRuntime) {
        ScriptPolicy policy = maxRuntime == null ? null : new ScriptPolicy(scriptName, maxRuntime);
        Writes.send(producer, Topics.SCRIPT_POLICIES, scriptName, policy == null ? null : Json.bytes(policy), null);
        Writes.awaitVisible(() -> Objects.equals(policy, current(scriptName)));
        return view(scriptName, policy);
    }

    private ScriptPolicy current(String scriptName) {
        return stores.<ScriptPolicy>get(StoreNames.POLICIES).get(scriptName);
    }

    private View view(String scriptName, ScriptPolicy policy) {
        Duration own = policy == null ? null : policy.maxRuntime();
        return new View(scriptName, own, MaxRuntime.effective(MaxRuntime.recorded(null, own), defaultMaxRuntime));
    }
}
