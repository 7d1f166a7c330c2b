package io.runwarden.runs;

import io.runwarden.model.CodePointOrder;

import java.util.Comparator;
import java.util.List;

/** One page of runs, newest first; {@code nextCursor} is null on the last page. */
public record LogsPage(List<ListedRun> logs, String nextCursor) {

    /** The pages of the same query from several instances' partitions, as one. */
    public static LogsPage merge(List<LogsPage> pages, int limit) {
        if (pages.size() == 1) {
            return pages.get(0);
        }
        List<ListedRun> merged = pages.stream().flatMap(p -> p.logs().stream())
                .sorted(Comparator.comparing(ListedRun::position, CodePointOrder.COMPARATOR)).toList();
        boolean more = merged.size() > limit || pages.stream().anyMatch(p -> p.nextCursor() != null);
        List<ListedRun> page = merged.subList(0, Math.min(limit, merged.size()));
        return of(page, more);
    }

    /** A page that ends with its last run when {@code more} runs follow. */
    static LogsPage of(List<ListedRun> page, boolean more) {
        return new LogsPage(List.copyOf(page),
                more && !page.isEmpty() ? LogsCursor.encode(page.get(page.size() - 1).position()) : null);
    }
}
