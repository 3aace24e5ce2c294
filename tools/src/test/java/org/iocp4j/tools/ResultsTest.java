package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.iocp4j.tools.Experiment.Outcome;
import org.iocp4j.tools.Experiment.Served;
import org.iocp4j.tools.Experiment.Way;
import org.junit.jupiter.api.Test;

class ResultsTest {

    static final Results.Machine TWO_CPUS = new Results.Machine(2, "Java 17", "Linux <test> & co", "portable", 0.5);

    /** An outcome whose requests ran {@code ranMs} each and completed at the given times, thread names odd on purpose. */
    static Outcome outcome(Way way, double ranMs, double... completedMs) {
        List<Served> served = new ArrayList<>();
        for (int i = 0; i < completedMs.length; i++) {
            long end = (long) (completedMs[i] * 1e6);
            served.add(new Served(i + 1, way.label + " <thread & 'co'> " + i, end - (long) (ranMs * 1e6), end));
        }
        return new Outcome(way, served, (long) (completedMs[completedMs.length - 1] * 1e6), 7, 5, -1, 42, "");
    }

    /** The seeds' picture for 4 requests of 100 ms on 2 CPUs. */
    static Results fourRequests() {
        return new Results(TWO_CPUS, Workload.fixed(1000, 100_000_000L), 4, 2, List.of(
                outcome(Way.ONE_THREAD, 100, 100, 200, 300, 400),
                outcome(Way.THREAD_PER_REQUEST, 200, 390, 395, 398, 400),
                outcome(Way.PORT, 100, 100, 101, 200, 202),
                outcome(Way.POOL, 100, 101, 102, 203, 204)));
    }

    @Test
    void theIdealFinishesInWavesOfTheCpuCount() {
        assertArrayEquals(new double[] {10, 10, 20, 20, 30}, Results.ideal(5, 2, 10), 1e-9);
        assertArrayEquals(new double[] {10, 20, 30}, Results.ideal(3, 1, 10), 1e-9);
        Results r = fourRequests();
        assertEquals(100, r.workMs, 1e-9, "the one-thread batch's median run time");
        assertEquals(150, r.idealMeanMs(), 1e-9);
        assertEquals(200, r.idealMaxMs(), 1e-9);
        assertEquals(2.0, r.idealCpusUsed(), 1e-9);
    }

    @Test
    void theClaimIsAnObservation() {
        Results.Claim held = fourRequests().claim();
        assertTrue(held.testable() && held.portHeld() && held.threadPerRequestHeld(), held::toString);
        assertTrue(held.observation().contains("port 1.01 x ideal: held"), held.observation());

        Results slowPort = new Results(TWO_CPUS, Workload.fixed(1000, 100_000_000L), 4, 2, List.of(
                outcome(Way.ONE_THREAD, 100, 100, 200, 300, 400),
                outcome(Way.THREAD_PER_REQUEST, 200, 390, 395, 398, 400),
                outcome(Way.PORT, 100, 200, 300, 300, 400)));
        Results.Claim failed = slowPort.claim();
        assertTrue(failed.testable() && !failed.portHeld(), failed::toString);
        assertTrue(failed.observation().contains("did not hold"), failed.observation());

        Results oneWave = new Results(TWO_CPUS, Workload.fixed(1000, 100_000_000L), 2, 2, List.of(
                outcome(Way.ONE_THREAD, 100, 100, 200),
                outcome(Way.THREAD_PER_REQUEST, 100, 100, 100),
                outcome(Way.PORT, 100, 100, 100)));
        assertFalse(oneWave.claim().testable());
        assertTrue(oneWave.claim().observation().startsWith("not testable"), oneWave.claim().observation());
    }

    @Test
    void tablesListEveryRequestAndSayWhenSwitchesAreUnknown() {
        Results r = fourRequests();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        for (Outcome o : r.outcomes) {
            r.printTable(out, o);
        }
        r.printSummary(out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("(c) I/O completion port: "), text);
        assertTrue(text.contains("context switches 7 (5 preempted)"), text);
        assertTrue(text.contains("CPUs used unavailable"), text);
        assertTrue(text.contains("  ideal "), text);
        assertTrue(text.contains("the same for every way"), text);
        assertTrue(text.contains("on this run: port 1.01 x ideal: held."), text);
    }
}
