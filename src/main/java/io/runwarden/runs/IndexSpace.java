package io.runwarden.runs;

import io.runwarden.kafka.StoreNames;

/**
 * The key spaces of the one {@link io.runwarden.kafka.StoreNames#INDEXES} store: the derived indexes share one
 * RocksDB store a partition (one set of memtables and files, one write batch a change) instead of one each; a
 * one-letter prefix keeps each index's keys contiguous and in their own order.
 */
enum IndexSpace {
    /** In-progress runs by "deadline:runId", so a sweep reads only the runs that are due. */
    DEADLINE('d'),
    /** Every run by "newest-first start:runId": the logs, newest first. */
    BY_TIME('t'),
    /** Every run by "script \0 newest-first start:runId": one script's logs, newest first. */
    BY_SCRIPT('s'),
    /**
     * Every run by "status \0 newest-first start:runId": the logs of one status, newest first, without reading the
     * runs of the others (failures are rare among a million runs).
     */
    BY_STATUS('r'),
    /** In-progress runs by "script \0 start:runId": each script's oldest open run. */
    OPEN_BY_SCRIPT('o'),
    /** Finished runs by "end time:runId", oldest first: what retention removes, read in order. */
    FINISHED('f'),
    /**
     * In-progress runs due by the asOf of a sweep that decided its runs and has yet to write them, but reported (or
     * changed) since, by "deadline:runId" as in {@link #DEADLINE}: they came after its marker, so they are the next
     * sweep's. Back in {@link #DEADLINE} once no such sweep is left.
     */
    HELD('h'),
    /** Per script, its {@link StoredStats} (merged across partitions, with the latest run read, by the API). */
    STATS('c'),
    /** The generation these indexes were built as ({@link IndexGeneration}): cleared and written with them. */
    GENERATION('g');

    private final String prefix;
    private final String end;

    IndexSpace(char letter) {
        this.prefix = letter + "|";
        this.end = letter + "}";
    }

    String key(String key) {
        return prefix + key;
    }

    String strip(String key) {
        return key.substring(prefix.length());
    }

    /** The first key of the store, and the first key after the space ('}' follows '|'). */
    String first() {
        return prefix;
    }

    String last() {
        return end;
    }
}
