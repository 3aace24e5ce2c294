package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * The field offsets the running JVM gave a class, its superclasses' fields included. Each offset is the
 * one a field {@link VarHandle} of the JDK carries for its own accesses (its private {@code fieldOffset},
 * read reflectively: test code only, with {@code --add-opens java.base/java.lang.invoke=ALL-UNNAMED}, which
 * the surefire and Windows-leg command lines pass). No {@code sun.misc.Unsafe}: JDK 24+ warns on its use,
 * and iocp4j keeps its test runs free of that warning too.
 *
 * <p>A field is padding if its name is a letter and digits ({@code p01}, {@code b017}), cold if it is
 * final, hot otherwise: a field some thread writes after construction.
 */
final class FieldLayout {

    private static final Pattern PADDING = Pattern.compile("[a-z]\\d+");
    /** A reference field's size: 4 bytes with compressed oops (the default below 32 GiB of heap), else 8. */
    private static final int REFERENCE_SIZE = ManagementFactory.getPlatformMXBean(
            HotSpotDiagnosticMXBean.class).getVMOption("UseCompressedOops").getValue()
            .equals("true") ? 4 : 8;

    /** One instance field where the JVM put it. */
    static final class Slot {
        final Field field;
        final long offset;
        final int size;

        Slot(Field field, long offset, int size) {
            this.field = field;
            this.offset = offset;
            this.size = size;
        }

        boolean isPadding() {
            return PADDING.matcher(field.getName()).matches();
        }

        boolean isHot() {
            return !isPadding() && !Modifier.isFinal(field.getModifiers());
        }

        boolean isCold() {
            return !isPadding() && Modifier.isFinal(field.getModifiers());
        }

        long end() {
            return offset + size;
        }

        String name() {
            return field.getDeclaringClass().getSimpleName() + "." + field.getName();
        }

        @Override
        public String toString() {
            return String.format("%4d %2d %-5s %s", offset, size,
                    isPadding() ? "pad" : isHot() ? "HOT" : "cold", name());
        }
    }

    final Class<?> type;
    /** Every instance field, by offset. */
    final List<Slot> slots;
    /** The instance size, rounded up to the 8-byte object alignment. */
    final long size;

    private FieldLayout(Class<?> type, List<Slot> slots, long size) {
        this.type = type;
        this.slots = slots;
        this.size = size;
    }

    static FieldLayout of(Class<?> type) {
        List<Slot> slots = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    slots.add(new Slot(f, offset(f), sizeOf(f.getType())));
                }
            }
        }
        slots.sort(Comparator.comparingLong(s -> s.offset));
        long end = slots.stream().mapToLong(Slot::end).max().orElse(0);
        return new FieldLayout(type, slots, (end + 7) & ~7L);
    }

    List<Slot> hot() {
        List<Slot> hot = new ArrayList<>();
        for (Slot s : slots) {
            if (s.isHot()) {
                hot.add(s);
            }
        }
        return hot;
    }

    /**
     * Every way a hot field sits closer than {@code gap} bytes to another non-padding field, to the start of
     * the object (the previous object in the heap ends there) or to its end (the next one starts there).
     */
    List<String> violations(int gap) {
        List<String> found = new ArrayList<>();
        for (Slot h : hot()) {
            if (h.offset < gap) {
                found.add(h.name() + " at " + h.offset + ": " + h.offset + " bytes from the object's start");
            }
            if (size - h.end() < gap) {
                found.add(h.name() + " at " + h.offset + ": " + (size - h.end()) + " bytes from the object's end ("
                        + size + ")");
            }
            for (Slot other : slots) {
                if (other == h || other.isPadding() || (other.isHot() && other.offset < h.offset)) {
                    continue; // each pair of hot fields once
                }
                long between = other.offset >= h.end() ? other.offset - h.end() : h.offset - other.end();
                if (between < gap) {
                    found.add(h.name() + " at " + h.offset + ": " + Math.max(0, between) + " bytes from "
                            + (other.isHot() ? "hot " : "cold ") + other.name() + " at " + other.offset);
                }
            }
        }
        return found;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type.getName()).append(" (").append(size).append(" bytes)\n");
        for (Slot s : slots) {
            if (!s.isPadding()) {
                b.append("  ").append(s).append('\n');
            }
        }
        long padding = slots.stream().filter(Slot::isPadding).mapToLong(s -> s.size).sum();
        return b.append("  and ").append(padding).append(" bytes of padding").toString();
    }

    private static long offset(Field f) {
        try {
            VarHandle handle = MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup())
                    .unreflectVarHandle(f);
            for (Class<?> c = handle.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    Field offset = c.getDeclaredField("fieldOffset");
                    offset.setAccessible(true);
                    return offset.getLong(handle);
                } catch (NoSuchFieldException notHere) {
                    // a superclass of the handle's class declares it
                }
            }
            throw new IllegalStateException("this JDK's field VarHandles carry no fieldOffset: " + handle.getClass());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read the offset of " + f + " (run with --add-opens"
                    + " java.base/java.lang.invoke=ALL-UNNAMED)", e);
        }
    }

    private static int sizeOf(Class<?> t) {
        if (t == long.class || t == double.class) {
            return 8;
        }
        if (t == int.class || t == float.class) {
            return 4;
        }
        if (t == short.class || t == char.class) {
            return 2;
        }
        if (t == byte.class || t == boolean.class) {
            return 1;
        }
        return REFERENCE_SIZE;
    }
}
