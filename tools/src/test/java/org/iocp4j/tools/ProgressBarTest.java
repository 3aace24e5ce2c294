package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String drawn() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void rendersABarOfTwentyCells() {
        assertEquals("[##########..........] 6/12 requests, 1.5 s (port)",
                ProgressBar.render(6, 12, "port", 1_500_000_000L));
        assertEquals("[....................] 0/3 requests, 0.0 s (x)", ProgressBar.render(0, 3, "x", 0));
        assertEquals("[####################] 3/3 requests, 2.0 s (x)", ProgressBar.render(3, 3, "x", 2_000_000_000L));
    }

    @Test
    void onATerminalItRedrawsOneLineAndWipesIt() {
        ProgressBar bar = new ProgressBar(err, true, true, 0);
        bar.start("pool", 4);
        bar.update(1);
        bar.update(2);
        bar.finish(4);
        String s = drawn();
        assertFalse(s.contains("\n"), s);
        assertTrue(s.startsWith("\r[#####..."), s);
        assertTrue(s.endsWith("\r"), s);
    }

    @Test
    void elsewhereItPrintsAFewPlainLines() {
        ProgressBar bar = new ProgressBar(err, true, false, 0);
        bar.start("pool", 100);
        for (int done = 0; done <= 99; done++) {
            bar.update(done);
        }
        bar.finish(100);
        String s = drawn();
        assertFalse(s.replace(System.lineSeparator(), "\n").contains("\r"), "no redraw, only line ends: " + s);
        long lines = s.lines().count();
        assertTrue(lines >= 2 && lines <= 6, s);
        assertTrue(s.contains("100/100 requests"), s);
    }

    @Test
    void disabledOrShortItDrawsNothing() {
        ProgressBar off = new ProgressBar(err, false, true, 0);
        off.start("a", 2);
        off.update(1);
        off.finish(2);
        ProgressBar patient = new ProgressBar(err, true, true, Long.MAX_VALUE);
        patient.start("b", 2);
        patient.update(1);
        patient.finish(2);
        assertEquals("", drawn());
    }
}
