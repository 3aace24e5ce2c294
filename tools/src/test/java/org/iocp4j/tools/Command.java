package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command run in a folder as a user's shell would: its exit status, stdout's lines and stderr. */
final class Command {

    final int status;
    final List<String> out;
    final String err;

    private Command(int status, List<String> out, String err) {
        this.status = status;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code command} in {@code dir}, waiting at most two minutes. */
    static Command run(Path dir, List<String> command) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile("iocp4j-it-out", ".txt");
        Path stderr = Files.createTempFile("iocp4j-it-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            // The user's shell, not the test JVM's: no agent or backend forced through the environment.
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            pb.environment().remove("CLASSPATH");
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                assertTrue(false, command + " still running after 2 minutes");
            }
            // Child processes print in the platform's encoding.
            Charset cs = Charset.defaultCharset();
            return new Command(p.exitValue(), Files.readAllLines(stdout, cs), Files.readString(stderr, cs));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    String first() {
        return out.isEmpty() ? "" : out.get(0);
    }

    String last() {
        return out.isEmpty() ? "" : out.get(out.size() - 1);
    }

    @Override
    public String toString() {
        return "exit " + status + "\nstdout:\n" + String.join("\n", out) + "\nstderr:\n" + err;
    }
}
