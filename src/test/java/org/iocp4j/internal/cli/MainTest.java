package org.iocp4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void theDemoShowsEveryOutcome() {
        assertEquals(0, run("demo"), err::toString);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("single poll:  Completion[key=0x1"), text);
        assertTrue(text.contains("batch poll took 4 packets"), text);
        assertTrue(text.contains("timed out"), text);
        assertTrue(text.contains("released by close()"), text);
        assertTrue(text.contains("PortClosedException, error 6"), text);
    }

    @Test
    void badArgumentsPrintTheUsageAndFail() {
        assertEquals(2, run());
        assertEquals(2, run("frobnicate"));
        assertEquals(2, run("demo", "--frobnicate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: iocp4j"));
        assertEquals(0, run("--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: iocp4j"));
    }

    @Test
    void diagnoseRefusesBadArgumentsWithItsUsage() {
        assertEquals(2, run("diagnose", "--samples", "many"));
        assertEquals(2, run("diagnose", "--interval"));
        assertEquals(2, run("diagnose", "--interval", "0"));
        assertEquals(2, run("diagnose", "--workload", "explode"));
        assertEquals(2, run("diagnose", "--frobnicate"));
        assertEquals(2, run("diagnose", "--pid", "1", "--workload", "leak"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: iocp4j diagnose"));
        assertEquals(0, run("diagnose", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--workload"));
    }

    @Test
    void diagnoseFlagsALeakThatGrowsAtEveryInterval() {
        assertEquals(0, run("diagnose", "--samples", "7", "--interval", "20", "--workload", "leak"), err::toString);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("outstanding"), text);
        assertTrue(text.contains("GROWING: handles") && text.contains("outstanding"), text);
        assertTrue(text.contains("300 OVERLAPPEDs never freed"), text);
    }

    @Test
    void diagnoseShowsAFloodStayingInsideItsBound() {
        assertEquals(0, run("diagnose", "--samples", "3", "--interval", "10", "--workload", "flood"), err::toString);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("workload flood: 1000 tasks accepted, 199000 rejected at the bound of 1000; the queue stayed at 1000"), text);
    }
}
