package io.runwarden.exec;

import io.runwarden.config.Settings;
import io.runwarden.kafka.Topics;
import io.runwarden.model.EventCodec;
import io.runwarden.model.LifecycleEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Reports to script-events, keyed by runId, with the same pass-through client properties as the service. */
final class KafkaReporter implements Reporter {
    /** A dead broker must not hold a cron job: no send blocks or retries for longer than this. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrapServers;
    private final KafkaProducer<String, byte[]> producer;

    KafkaReporter(String bootstrapServers, Map<String, String> env) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> config = Settings.kafkaClientConfigFromEnv(bootstrapServers, env);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "runwarden-exec");
        // a retried send must not write an end event twice, nor reorder a run's events
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void report(LifecycleEvent event) throws ReportException {
        byte[] value = EventCodec.bytes(event);
        try {
            producer.send(new ProducerRecord<>(Topics.SCRIPT_EVENTS, event.runId(), value))
                    .get(TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new ReportException(e.getCause());
        } catch (KafkaException e) {
            throw new ReportException(e);
        } catch (TimeoutException e) {
            throw new ReportException("no answer within " + TIMEOUT.toSeconds() * 2 + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReportException("interrupted");
        }
    }

    @Override
    public String target() {
        return "Kafka at " + bootstrapServers;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(1));
    }
}
