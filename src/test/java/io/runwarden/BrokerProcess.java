package io.runwarden;

import io.runwarden.kafka.EmbeddedKafka;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** A broker in a process of its own, for tests that kill or restart processes: args are data dir and port. */
public final class BrokerProcess {
    private BrokerProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafka broker = EmbeddedKafka.start(Path.of(args[0]), Integer.parseInt(args[1]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }));
        System.out.println("BROKER READY " + broker.bootstrapServers());
        stopped.await();
    }
}
