package io.runwarden.alerts;

/**
 * A partition is done with a batch (a sweep, or a missed-start check that found missed slots): every outcome it
 * raised for the batch is ahead of this record. From a run partition to every outcome partition; from an outcome
 * partition, once all run partitions are done, to the same partition of the alert feed, where a channel's digest of
 * the batch can be sent once every feed partition said so.
 */
public record BatchDone(String batchId, int partition) {
    /** The header, on the internal alert topics, that marks a batch's end rather than an outcome or an alert. */
    public static final String HEADER = "runwarden.batch-done";
}
