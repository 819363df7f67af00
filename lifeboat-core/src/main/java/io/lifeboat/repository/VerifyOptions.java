package io.lifeboat.repository;

import io.lifeboat.LifeboatException;
import java.util.Random;

/**
 * What verify reads. {@code subset}: null for all packs (when {@code readData}), {@code "n/m"} for
 * the packs whose name as a number is ≡ n−1 (mod m), {@code "x%"} or a fraction {@code "0.1"} for
 * that share of packs chosen at random with {@code seed}.
 */
public record VerifyOptions(boolean readData, String subset, long seed) {
    public static final VerifyOptions STRUCTURE = new VerifyOptions(false, null, 0);
    public static final VerifyOptions READ_DATA = new VerifyOptions(true, null, 0);

    public VerifyOptions {
        if (subset != null) {
            readData = true;
            selector(subset, seed); // validates
        }
    }

    public static VerifyOptions readDataSubset(String subset) {
        return new VerifyOptions(true, subset, new Random().nextLong());
    }

    /** Chooses packs; a pack is selected when the predicate returns true. */
    static java.util.function.Predicate<String> selector(String subset, long seed) {
        if (subset == null) return p -> true;
        String s = subset.strip();
        try {
            if (s.matches("\\d+/\\d+")) {
                int n = Integer.parseInt(s.substring(0, s.indexOf('/')));
                int m = Integer.parseInt(s.substring(s.indexOf('/') + 1));
                if (m >= 1 && n >= 1 && n <= m) {
                    var bm = java.math.BigInteger.valueOf(m);
                    return p -> new java.math.BigInteger(p, 16).mod(bm).intValue() == n - 1;
                }
            } else {
                double f = s.endsWith("%")
                        ? Double.parseDouble(s.substring(0, s.length() - 1)) / 100
                        : Double.parseDouble(s);
                if (f > 0 && f <= 1) {
                    return p -> new Random(seed ^ p.hashCode()).nextDouble() < f;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new LifeboatException(
                LifeboatException.Kind.USAGE,
                "invalid read-data subset: " + subset,
                "Give n/m (e.g. 1/5), a percentage (e.g. 10%) or a fraction (e.g. 0.1).");
    }
}
