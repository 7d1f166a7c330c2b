package io.runwarden.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one figure: the median is reported, with the spread (min–max) beside it. */
record Stats(List<Double> values) {
    Stats {
        values = List.copyOf(values);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    double min() {
        return Collections.min(values);
    }

    double max() {
        return Collections.max(values);
    }

    /** "1,234 (1,100–1,300)" with the given number of decimals. */
    String show(int decimals) {
        return fmt(median(), decimals) + " (" + fmt(min(), decimals) + "–" + fmt(max(), decimals) + ", n=" + values.size() + ")";
    }

    /** The nearest-rank percentile of some samples. */
    static double percentile(List<Double> samples, int percent) {
        List<Double> sorted = new ArrayList<>(samples);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    static String fmt(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
