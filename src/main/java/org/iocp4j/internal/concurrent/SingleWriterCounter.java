package org.iocp4j.internal.concurrent;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

// Padded by inheritance, as MpmcTaskQueue is (its file says why; PaddingLayoutTest prints the offsets).

/** Padding before the value: away from the previous object in the heap. */
abstract class SingleWriterCounterL0Pad {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/** The count. */
abstract class SingleWriterCounterValueField extends SingleWriterCounterL0Pad {
    private static final VarHandle VALUE =
            FieldHandles.of(MethodHandles.lookup(), SingleWriterCounterValueField.class, "value", long.class);

    private volatile long value;

    final long lvValue() {
        return value;
    }

    final long loValue() {
        return (long) VALUE.getOpaque(this);
    }

    final void soValue(long v) {
        VALUE.setRelease(this, v);
    }
}

/** Padding after the value: away from the next object in the heap. */
abstract class SingleWriterCounterL1Pad extends SingleWriterCounterValueField {
    byte b000, b001, b002, b003, b004, b005, b006, b007, b010, b011, b012, b013, b014, b015, b016, b017;
    byte b020, b021, b022, b023, b024, b025, b026, b027, b030, b031, b032, b033, b034, b035, b036, b037;
    byte b040, b041, b042, b043, b044, b045, b046, b047, b050, b051, b052, b053, b054, b055, b056, b057;
    byte b060, b061, b062, b063, b064, b065, b066, b067, b070, b071, b072, b073, b074, b075, b076, b077;
    byte b100, b101, b102, b103, b104, b105, b106, b107, b110, b111, b112, b113, b114, b115, b116, b117;
    byte b120, b121, b122, b123, b124, b125, b126, b127, b130, b131, b132, b133, b134, b135, b136, b137;
    byte b140, b141, b142, b143, b144, b145, b146, b147, b150, b151, b152, b153, b154, b155, b156, b157;
    byte b160, b161, b162, b163, b164, b165, b166, b167, b170, b171, b172, b173, b174, b175, b176, b177;
}

/**
 * A count that one thread at a time adds to and any thread reads, alone on its cache lines: an ordered
 * store per add, no atomic read-modify-write. A second writer at the same time loses counts; writers that
 * take turns (under a lock, or one after the other's end) do not.
 */
public final class SingleWriterCounter extends SingleWriterCounterL1Pad {

    /** A count of zero. */
    public SingleWriterCounter() {
    }

    /** Adds one (the single writer only). */
    public void increment() {
        soValue(loValue() + 1);
    }

    /** Adds {@code n} (the single writer only). */
    public void add(long n) {
        soValue(loValue() + n);
    }

    /** @return the count, as last stored (a volatile read) */
    public long get() {
        return lvValue();
    }
}
