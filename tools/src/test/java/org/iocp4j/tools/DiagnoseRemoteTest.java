package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code diagnose --pid} reads another JVM's dispatchers through the attach API and its JMX agent. */
class DiagnoseRemoteTest {

    @Test
    @Timeout(120)
    void anotherJvmsOutstandingOperationsAreReadThroughTheAttachApi() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-cp", System.getProperty("java.class.path"),
                RemoteDispatcherProcess.class.getName())).redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertEquals("ready", first, "the watched JVM did not start");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"diagnose", "--pid", Long.toString(child.pid()), "--samples", "2", "--interval", "100"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text + err.toString(StandardCharsets.UTF_8));
            assertTrue(text.contains("from process " + child.pid() + "'s dispatchers (JMX through the attach API): 1 dispatcher(s) now"),
                    text);
            String[] rows = text.split("\n");
            int tableRows = 0;
            for (String row : rows) {
                String[] cells = row.trim().split("\\s+");
                if (cells.length >= 10 && cells[0].matches("\\d+\\.\\d")) {
                    assertEquals(Integer.toString(RemoteDispatcherProcess.HELD), cells[8], "outstanding in: " + row);
                    tableRows++;
                }
            }
            assertEquals(2, tableRows, text);
        } finally {
            child.getOutputStream().close();
            if (!child.waitFor(20, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    @Test
    void aProcessThatIsNotAJvmIsLeftAloneAndSaidUnavailableWithTheReason() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int code = Main.run(new String[] {"diagnose", "--pid", Long.toString(sleeper.pid()), "--samples", "1"},
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream(), true,
                            StandardCharsets.UTF_8));
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, text);
            assertTrue(text.contains("unavailable: process " + sleeper.pid() + " is not a JVM the attach API can see"), text);
            assertTrue(sleeper.isAlive(), "attach must not touch a process that is not a JVM (SIGQUIT would kill it)");
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
