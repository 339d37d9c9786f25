package io.octvex.bench;

import java.util.Collection;

/** Nearest-rank percentiles of a set of latencies, in milliseconds. */
record Percentiles(int count, double p50, double p95, double p99, double max) {

    static Percentiles of(Collection<Double> millis) {
        double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), rank(sorted, 99),
                sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    String row() {
        return String.format("%s | %s | %s | %s", ms(p50), ms(p95), ms(p99), ms(max));
    }

    static String ms(double v) {
        return Double.isNaN(v) ? "–" : v < 10 ? String.format("%.1f ms", v) : String.format("%.0f ms", v);
    }

    @Override
    public String toString() {
        return "n=" + count + " p50=" + ms(p50) + " p95=" + ms(p95) + " p99=" + ms(p99) + " max=" + ms(max);
    }
}
