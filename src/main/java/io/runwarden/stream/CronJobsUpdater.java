package io.runwarden.stream;

import io.runwarden.model.CronJob;
import io.runwarden.model.Json;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the global store of cron jobs from {@code cron-config}. A job that cannot be read or scheduled is
 * logged and left out rather than stopping every instance; the key is the job's name.
 */
final class CronJobsUpdater implements Processor<String, byte[], Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(CronJobsUpdater.class);
    private KeyValueStore<String, CronJob> jobs;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        jobs = context.getStateStore(Stores.CRON_JOBS);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.value() == null) {
            jobs.delete(record.key());
            return;
        }
        try {
            CronJob job = Json.read(record.value(), CronJob.class);
            CronJob named = new CronJob(record.key(), job.schedule(), job.enabled(), job.timezone(), job.description());
            CronSchedule.of(named);
            jobs.put(record.key(), named);
        } catch (SerializationException | IllegalArgumentException e) {
            LOG.warn("cron job '{}' ignored: {}", record.key(), e.getMessage());
            jobs.delete(record.key());
        }
    }
}
