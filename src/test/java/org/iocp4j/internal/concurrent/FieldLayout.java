package org.iocp4j.internal.concurrent;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The field offsets the running JVM gave a class, its superclasses' fields included, read with
 * {@code sun.misc.Unsafe.objectFieldOffset} (reached reflectively: test code only).
 *
 * <p>A field is padding if its name is a letter and digits ({@code p01}, {@code b017}), cold if it is
 * final, hot otherwise: a field some thread writes after construction.
 */
final class FieldLayout {

    private static final Pattern PADDING = Pattern.compile("[a-z]\\d+");
    private static final Object UNSAFE;
    private static final Method OBJECT_FIELD_OFFSET;
    private static final int REFERENCE_SIZE;

    static {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            UNSAFE = theUnsafe.get(null);
            OBJECT_FIELD_OFFSET = unsafeClass.getMethod("objectFieldOffset", Field.class);
            REFERENCE_SIZE = (int) unsafeClass.getMethod("arrayIndexScale", Class.class)
                    .invoke(UNSAFE, Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
            return (long) OBJECT_FIELD_OFFSET.invoke(UNSAFE, f);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
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
