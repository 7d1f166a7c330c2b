package io.runwarden.service;

/** What the routes call: no route sends to Kafka or reads a store itself, so routes are tested against fakes. */
public record Services(Runs runs, Sweeps sweeps, CronJobs cronJobs, Policies policies, Channels channels,
                       Deliveries deliveries, Alerts alerts, LocalPartitions local, Readiness readiness) {
}
