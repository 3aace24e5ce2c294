package org.iocp4j.tools;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Progress of a batch on stderr, once it has run a couple of seconds: on a terminal one line redrawn in
 * place with {@code \r}, otherwise a few plain lines (at each quarter, or every ten seconds).
 */
final class ProgressBar {

    static final long DEFAULT_DELAY_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final int WIDTH = 20;
    private static final long PLAIN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final PrintStream err;
    private final boolean enabled;
    private final boolean terminal;
    private final long delayNanos;
    private String label = "";
    private String unit = "requests";
    private int total;
    private long start;
    private boolean drawn;
    private int lastWidth;
    private int lastQuarter;
    private long lastPlain;

    /**
     * @param err        where to draw
     * @param enabled    false draws nothing at all
     * @param terminal   true redraws one line with {@code \r}; false prints plain lines
     * @param delayNanos how long a batch runs before anything is drawn
     */
    ProgressBar(PrintStream err, boolean enabled, boolean terminal, long delayNanos) {
        this.err = err;
        this.enabled = enabled;
        this.terminal = terminal;
        this.delayNanos = delayNanos;
    }

    /** Starts a new batch of {@code total} requests. */
    void start(String label, int total) {
        start(label, total, "requests");
    }

    /** Starts a new batch of {@code total} steps, counted in {@code unit} ("requests", "runs"). */
    void start(String label, int total, String unit) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.start = System.nanoTime();
        this.drawn = false;
        this.lastQuarter = 0;
        this.lastPlain = start;
    }

    /** Shows {@code done} of the batch's requests, if the batch has run long enough to deserve it. */
    void update(int done) {
        long now = System.nanoTime();
        if (!enabled || now - start < delayNanos) {
            return;
        }
        String line = render(done, total, unit, label, now - start);
        if (terminal) {
            err.print("\r" + pad(line));
            err.flush();
            drawn = true;
            return;
        }
        int quarter = total == 0 ? 4 : done * 4 / total;
        if (!drawn || quarter > lastQuarter || now - lastPlain >= PLAIN_INTERVAL_NANOS) {
            err.println(line);
            drawn = true;
            lastQuarter = quarter;
            lastPlain = now;
        }
    }

    /** Ends the batch: on a terminal, wipes the bar so the results print on a clean line. */
    void finish(int done) {
        if (!enabled || !drawn) {
            return;
        }
        if (terminal) {
            err.print("\r" + " ".repeat(lastWidth) + "\r");
            err.flush();
        } else if (lastQuarter < 4) {
            err.println(render(done, total, unit, label, System.nanoTime() - start));
        }
    }

    private String pad(String line) {
        String padded = line.length() < lastWidth ? line + " ".repeat(lastWidth - line.length()) : line;
        lastWidth = Math.max(lastWidth, line.length());
        return padded;
    }

    /** {@code [#####...............] 5/20 requests, 3.1 s (label)}. */
    static String render(int done, int total, String label, long elapsedNanos) {
        return render(done, total, "requests", label, elapsedNanos);
    }

    /** {@code [#####...............] 5/20 <unit>, 3.1 s (label)}. */
    static String render(int done, int total, String unit, String label, long elapsedNanos) {
        int filled = total <= 0 ? WIDTH : (int) ((long) Math.min(done, total) * WIDTH / total);
        return String.format(Locale.ROOT, "[%s%s] %d/%d %s, %.1f s (%s)", "#".repeat(filled),
                ".".repeat(WIDTH - filled), done, total, unit, elapsedNanos / 1e9, label);
    }
}
