package io.runwarden;

import io.runwarden.kafka.EmbeddedKafka;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A broker in a process of its own, for tests that kill or restart processes: args are data dir and port, then any
 * broker properties as {@code name=value}.
 */
public final class BrokerProcess {
    private BrokerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> properties = new HashMap<>();
        for (String property : Arrays.asList(args).subList(2, args.length)) {
            properties.put(property.substring(0, property.indexOf('=')), property.substring(property.indexOf('=') + 1));
        }
        EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]), Set.of(), properties);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("BROKER READY " + broker.bootstrapServers());
        stopped.await();
    }
}
