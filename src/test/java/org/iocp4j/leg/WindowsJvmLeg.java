package org.iocp4j.leg;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs test classes in this JVM (the Windows JVM under Wine, for the native leg) and prints, one line
 * each, every failure and every skip with its reason, then {@code leg-counts: P passed, F failed, S skipped}
 * for {@code scripts/windows-jvm-tests} to add up. A class whose {@code @BeforeAll} aborts or fails
 * counts each of its tests, as Surefire does. Exits 1 if anything failed or nothing ran.
 *
 * <p>usage: {@code WindowsJvmLeg <test class>...}
 */
public final class WindowsJvmLeg {

    /** A test slower than this is named with its time: what to scale under Wine first. */
    private static final long SLOW_NANOS = 10_000_000_000L;

    private WindowsJvmLeg() {
    }

    public static void main(String[] args) {
        PrintStream out = System.out;
        List<ClassSelector> selectors = new ArrayList<>();
        for (String name : args) {
            selectors.add(selectClass(name));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors).build();
        Launcher launcher = LauncherFactory.create();
        Tally tally = new Tally(out);
        launcher.execute(request, tally);
        out.printf(Locale.ROOT, "leg-counts: %d passed, %d failed, %d skipped%n", tally.passed.get(),
                tally.failed.get(), tally.skipped.get());
        out.flush();
        System.exit(tally.failed.get() > 0 || tally.passed.get() + tally.skipped.get() == 0 ? 1 : 0);
    }

    /** Counts tests and prints the ones that did not pass. */
    private static final class Tally implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        private final Set<String> started = ConcurrentHashMap.newKeySet();
        private final Map<String, Long> startedAt = new ConcurrentHashMap<>();
        private final PrintStream out;
        private TestPlan plan;

        Tally(PrintStream out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            for (TestIdentifier test : testsOf(id)) {
                skipped.incrementAndGet();
                out.println("SKIPPED " + name(test) + ": " + reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Optional<Throwable> why = result.getThrowable();
            Long began = startedAt.remove(id.getUniqueId());
            if (began != null && System.nanoTime() - began > SLOW_NANOS) {
                out.printf(Locale.ROOT, "SLOW %s: %.1f s%n", name(id), (System.nanoTime() - began) / 1e9);
            }
            if (id.isTest()) {
                switch (result.getStatus()) {
                    case SUCCESSFUL:
                        passed.incrementAndGet();
                        break;
                    case ABORTED:
                        skipped.incrementAndGet();
                        out.println("SKIPPED " + name(id) + ": " + why.map(Throwable::getMessage).orElse("aborted"));
                        break;
                    default:
                        failed.incrementAndGet();
                        out.println("FAILED " + name(id) + ": " + trace(why));
                        break;
                }
                return;
            }
            if (result.getStatus() == TestExecutionResult.Status.SUCCESSFUL) {
                return;
            }
            // A container that aborted or failed before its tests ran (@BeforeAll): its tests never report.
            List<TestIdentifier> unreported = testsOf(id);
            if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
                for (TestIdentifier test : unreported) {
                    skipped.incrementAndGet();
                    out.println("SKIPPED " + name(test) + ": " + why.map(Throwable::getMessage).orElse("aborted"));
                }
            } else {
                failed.addAndGet(Math.max(1, unreported.size()));
                out.println("FAILED " + name(id) + " (" + unreported.size() + " tests): " + trace(why));
            }
        }

        /** The tests under {@code id} (itself if it is one) that have not started. */
        private List<TestIdentifier> testsOf(TestIdentifier id) {
            List<TestIdentifier> tests = new ArrayList<>();
            if (id.isTest()) {
                tests.add(id);
            } else if (plan != null) {
                for (TestIdentifier d : plan.getDescendants(id)) {
                    if (d.isTest() && !started.contains(d.getUniqueId())) {
                        tests.add(d);
                    }
                }
            }
            return tests;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                started.add(id.getUniqueId());
                startedAt.put(id.getUniqueId(), System.nanoTime());
            }
        }

        /** "Class.method" (plus the display name of a parameterized or repeated run), or the class. */
        private static String name(TestIdentifier id) {
            TestSource source = id.getSource().orElse(null);
            if (source instanceof MethodSource) {
                MethodSource m = (MethodSource) source;
                String base = simple(m.getClassName()) + "." + m.getMethodName();
                String shown = id.getDisplayName();
                return shown.startsWith(m.getMethodName() + "(") ? base : base + " [" + shown + "]";
            }
            if (source instanceof ClassSource) {
                return simple(((ClassSource) source).getClassName());
            }
            return id.getDisplayName();
        }

        private static String simple(String className) {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        /** The exception, its causes, and their frames up to the first of JUnit's own: enough to act on. */
        private static String trace(Optional<Throwable> why) {
            if (!why.isPresent()) {
                return "failed";
            }
            StringBuilder sb = new StringBuilder();
            for (Throwable t = why.get(); t != null; t = t.getCause()) {
                sb.append(t == why.get() ? "" : "\n    caused by: ").append(t);
                for (StackTraceElement e : t.getStackTrace()) {
                    if (e.getClassName().startsWith("org.junit.") && sb.indexOf("\tat org.iocp4j") >= 0) {
                        break;
                    }
                    String module = e.getModuleName();
                    boolean jdk = module != null && (module.startsWith("java.") || module.startsWith("jdk."));
                    if (!jdk && !e.getClassName().startsWith("org.junit.")) {
                        sb.append("\n\tat ").append(e);
                    }
                }
            }
            return sb.toString();
        }
    }
}
