package org.iocp4j.jna.example;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.iocp4j.IoDispatcher;
import org.iocp4j.jna.DirectoryWatcher;

/**
 * Prints the changes in a directory as they happen, until Ctrl-C or for a number of seconds:
 * <pre>
 *   java -cp iocp4j-jna.jar;iocp4j.jar;jna.jar;jna-platform.jar;slf4j-api.jar ^
 *       org.iocp4j.jna.example.WatchDirectory C:\some\dir [--subtree] [--seconds N]
 * </pre>
 * One line per event: {@code CREATED notes.txt}, {@code RENAMED_FROM a.txt}, {@code RENAMED_TO b.txt},
 * {@code OVERFLOW}.
 */
public final class WatchDirectory {

    private WatchDirectory() {
    }

    /**
     * Watches the directory named by the first argument.
     *
     * @param args the directory, then {@code --subtree} and {@code --seconds N} in any order
     * @throws Exception if the watch cannot start
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    /**
     * What {@link #main} does, printing to {@code out}.
     *
     * @param args as {@link #main}
     * @param out  where the events go
     * @return the exit status: 0, or 2 for bad arguments
     * @throws Exception if the watch cannot start
     */
    public static int run(String[] args, PrintStream out) throws Exception {
        Path dir = null;
        boolean subtree = false;
        long seconds = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--subtree")) {
                subtree = true;
            } else if (args[i].equals("--seconds") && i + 1 < args.length) {
                seconds = Long.parseLong(args[++i]);
            } else if (dir == null && !args[i].startsWith("--")) {
                dir = Paths.get(args[i]);
            } else {
                dir = null;
                break;
            }
        }
        if (dir == null) {
            out.println("usage: WatchDirectory <directory> [--subtree] [--seconds N]");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> { // Ctrl-C: let the watch end cleanly before the JVM halts
            stop.countDown();
            try {
                closed.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "watch-directory-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        // The watcher closes before the dispatcher: a dispatcher's shutdown would wait for the pending watch.
        try (IoDispatcher dispatcher = IoDispatcher.builder().name("watch").threads(1).build();
             DirectoryWatcher watcher = DirectoryWatcher.on(dispatcher, dir).subtree(subtree).start(event -> {
                 synchronized (out) {
                     out.println(event);
                 }
             })) {
            out.println("watching " + watcher.directory() + (subtree ? " and below" : "")
                    + (seconds >= 0 ? " for " + seconds + " s" : ": Ctrl-C stops"));
            out.flush();
            if (seconds >= 0) {
                stop.await(seconds, TimeUnit.SECONDS);
            } else {
                stop.await();
            }
        } finally {
            closed.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C
            }
        }
        return 0;
    }
}
