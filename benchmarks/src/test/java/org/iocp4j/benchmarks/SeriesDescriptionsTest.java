package org.iocp4j.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.Param;

/** Every chart's caption can say what each of its bars is: every impl of every benchmark is described. */
class SeriesDescriptionsTest {

    private static final List<Class<?>> BENCHMARKS = List.of(PortBenchmark.class, DispatcherBenchmark.class,
            EchoBenchmark.class, FileReadBenchmark.class);

    /** Read from the benchmarks themselves: each method's state parameters and their {@code impl} values. */
    @Test
    void everyImplOfEveryBenchmarkIsDescribed() {
        int checked = 0;
        for (Class<?> c : BENCHMARKS) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Benchmark.class)) {
                    continue;
                }
                Group group = m.getAnnotation(Group.class);
                String benchmark = c.getSimpleName() + "." + (group != null ? group.value() : m.getName());
                for (Class<?> state : m.getParameterTypes()) {
                    for (Field f : state.getFields()) {
                        Param p = f.getAnnotation(Param.class);
                        if (p == null || !f.getName().equals("impl")) {
                            continue;
                        }
                        for (String impl : p.value()) {
                            String d = SeriesDescriptions.of(benchmark, impl);
                            assertNotNull(d, benchmark + " impl=" + impl + " has no description");
                            assertTrue(d.startsWith("iocp4j: ") || d.startsWith("baseline: "),
                                    benchmark + " impl=" + impl + " says whether it is iocp4j or a baseline: " + d);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked >= 20, "found the impls: " + checked);
    }

    @Test
    void aMethodDescriptionComesBeforeTheClassOne() {
        assertEquals("baseline: a LinkedBlockingQueue; offer, then poll, on one thread",
                SeriesDescriptions.of("PortBenchmark.roundTrip", "LinkedBlockingQueue"));
        assertTrue(SeriesDescriptions.of("DispatcherBenchmark.fourPosters", "dispatcher-task-nocounters")
                .contains("counters off"));
        assertNull(SeriesDescriptions.of("PortBenchmark.handOff", "no-such-impl"));
        assertTrue(SeriesDescriptions.of("X.y", "X.y").contains("no impl parameter"));
    }
}
