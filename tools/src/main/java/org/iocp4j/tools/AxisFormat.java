package org.iocp4j.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;
import java.util.Objects;

/**
 * How a chart writes the numbers on its value axis: counts with an SI prefix ({@code 40 M}, {@code 1.5 k}),
 * or times in the unit that reads best ({@code 250 µs}, {@code 1.5 ms}), so no tick reads {@code 40000000}.
 * Three significant digits at most, trailing zeros dropped.
 */
public final class AxisFormat {

    private static final String[] SI = {"", " k", " M", " G", " T"};
    private static final String[] TIMES = {" ns", " \u00B5s", " ms", " s"};

    /** Nanoseconds per unit of the values, or 0 for plain counts. */
    private final double nanosPerUnit;

    private AxisFormat(double nanosPerUnit) {
        this.nanosPerUnit = nanosPerUnit;
    }

    /**
     * Counts and rates: {@code 0}, {@code 250}, {@code 1.5 k}, {@code 40 M}; below 1 as decimals ({@code 0.25}).
     *
     * @return the format
     */
    public static AxisFormat number() {
        return new AxisFormat(0);
    }

    /**
     * Times given in {@code unit}, each written in the unit that reads best: with {@code "us"},
     * 0.5 is {@code 500 ns}, 250 is {@code 250 µs}, 1500 is {@code 1.5 ms}.
     *
     * @param unit the values' unit: {@code ns}, {@code us} (or {@code µs}), {@code ms} or {@code s}
     * @return the format
     * @throws IllegalArgumentException for any other unit
     */
    public static AxisFormat time(String unit) {
        switch (Objects.requireNonNull(unit, "unit")) {
            case "ns": return new AxisFormat(1);
            case "us":
            case "\u00B5s": return new AxisFormat(1e3);
            case "ms": return new AxisFormat(1e6);
            case "s": return new AxisFormat(1e9);
            default: throw new IllegalArgumentException("not a unit of time: '" + unit + "'; one of ns, us, ms, s");
        }
    }

    /**
     * Whether this format writes times.
     *
     * @return true for {@link #time}
     */
    public boolean isTime() {
        return nanosPerUnit > 0;
    }

    /**
     * One value as a tick label.
     *
     * @param v the value, in the unit the format was made for
     * @return for example {@code "40 M"} or {@code "250 µs"}; {@code "0"} for zero
     */
    public String format(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v == 0 ? "0" : String.valueOf(v);
        }
        if (nanosPerUnit > 0) {
            double ns = v * nanosPerUnit;
            int k = 0;
            while (k < TIMES.length - 1 && Math.abs(ns) >= 999.5) {
                ns /= 1e3;
                k++;
            }
            return digits(ns) + TIMES[k];
        }
        int k = 0;
        double x = v;
        while (k < SI.length - 1 && Math.abs(x) >= 999.5) {
            x /= 1e3;
            k++;
        }
        return digits(x) + SI[k];
    }

    /** Three significant digits, no exponent, no trailing zeros: 1.50 is "1.5", 0.30000000000000004 "0.3". */
    private static String digits(double v) {
        BigDecimal d = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    @Override
    public String toString() {
        return nanosPerUnit > 0 ? String.format(Locale.ROOT, "time(%.0f ns per unit)", nanosPerUnit) : "number";
    }
}
