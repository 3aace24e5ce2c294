package org.iocp4j.internal.portable;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongFunction;

/**
 * The portable handles' values and their entries, looked up with no lock and no allocation: a lookup is a
 * socket's or file's every operation, and a map keyed by {@code Long} boxed the handle each time (an echo's
 * round trip allocated four {@code Long}s for it).
 *
 * <p>Values are issued in sequence and never reused, so value {@code n} lives in page {@code n / PAGE} at
 * {@code n % PAGE}: two array reads. A page goes once every value in it has been issued and closed, so a
 * process that opens and closes millions of sockets keeps only the pages of the handles still open (plus
 * the page directory, one reference per {@code PAGE} values ever issued). Writers (register, unregister)
 * take the table's lock; readers take none.
 */
final class HandleTable<E> {

    private static final int PAGE_BITS = 10;
    static final int PAGE = 1 << PAGE_BITS;

    /** The pages, by page number; grows by doubling (under the lock), published with a volatile write. */
    private volatile AtomicReferenceArray<AtomicReferenceArray<E>> pages = new AtomicReferenceArray<>(16);
    /** Guarded by this: entries still in each page ({@link #live}), and how many values were issued. */
    private int[] live = new int[16];
    private long issued;
    private int size;

    /**
     * Stores the entry {@code entryFor} makes for the next index (0, 1, 2, ...) under it, and returns it.
     */
    synchronized E add(LongFunction<E> entryFor) {
        long index = issued;
        E entry = entryFor.apply(index);
        issued++;
        int page = (int) (index >>> PAGE_BITS);
        AtomicReferenceArray<AtomicReferenceArray<E>> p = pages;
        if (page >= p.length()) {
            AtomicReferenceArray<AtomicReferenceArray<E>> bigger = new AtomicReferenceArray<>(p.length() * 2);
            for (int i = 0; i < p.length(); i++) {
                bigger.set(i, p.get(i));
            }
            int[] l = new int[bigger.length()];
            System.arraycopy(live, 0, l, 0, live.length);
            live = l;
            pages = p = bigger;
        }
        AtomicReferenceArray<E> slots = p.get(page);
        if (slots == null) {
            slots = new AtomicReferenceArray<>(PAGE);
            p.set(page, slots);
        }
        slots.set((int) (index & (PAGE - 1)), entry);
        live[page]++;
        size++;
        return entry;
    }

    /** @return indexes issued so far */
    synchronized long issued() {
        return issued;
    }

    /** The entry stored under {@code index}, or null (never issued, or removed). */
    E get(long index) {
        if (index < 0) {
            return null;
        }
        long page = index >>> PAGE_BITS;
        AtomicReferenceArray<AtomicReferenceArray<E>> p = pages;
        if (page >= p.length()) {
            return null;
        }
        AtomicReferenceArray<E> slots = p.get((int) page);
        return slots == null ? null : slots.get((int) (index & (PAGE - 1)));
    }

    /** Removes the entry under {@code index}; returns it, or null if there was none. */
    synchronized E remove(long index) {
        E e = get(index);
        if (e == null) {
            return null;
        }
        int page = (int) (index >>> PAGE_BITS);
        AtomicReferenceArray<AtomicReferenceArray<E>> p = pages;
        p.get(page).set((int) (index & (PAGE - 1)), null);
        size--;
        if (--live[page] == 0 && issued >= ((long) page + 1) << PAGE_BITS) {
            p.set(page, null); // every value of the page was issued and is closed: none can come back
        }
        return e;
    }

    /** @return entries stored now */
    synchronized int size() {
        return size;
    }

    /** @return pages held now (for tests: a closed page is let go) */
    synchronized int pages() {
        int n = 0;
        AtomicReferenceArray<AtomicReferenceArray<E>> p = pages;
        for (int i = 0; i < p.length(); i++) {
            n += p.get(i) != null ? 1 : 0;
        }
        return n;
    }
}
