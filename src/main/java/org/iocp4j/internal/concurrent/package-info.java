/**
 * Lock-free bounded rings (Dmitry Vyukov's sequence-numbered multi-producer, multi-consumer ring) and padded
 * counters: {@code MpmcTaskQueue}, the dispatcher's queue of plain tasks and its wake-up flag;
 * {@code MpmcPacketQueue}, the portable port's queue of completion packets; {@code SingleWriterCounter}, a count
 * one thread writes and others read. Not API (public only for the packages that use them).
 *
 * <p>Rules: no locks and no allocation per element; each class states its concurrency contract and its
 * memory ordering in its Javadoc, and has a race test in the same test package. Nothing here knows a
 * backend or a dispatcher.
 *
 * <p>Padding against false sharing is by inheritance only (JCTools' {@code MpmcArrayQueue}): the JVM
 * reorders a class's own fields, but lays a superclass's out before its subclass's. So each field that some
 * thread writes after construction sits in a class layer of its own, between layers of 128 bytes of
 * {@code byte} padding (two cache lines, for the adjacent-line prefetcher; bytes fill any hole the layout
 * leaves), and the final fields sit in a layer of their own. Hot fields are 8 bytes wide, so none slips into
 * such a hole. {@code PaddingLayoutTest} prints the offsets the running JVM chose and checks them.
 *
 * <p>Accessor names state the memory ordering (JCTools' convention): {@code lp}/{@code sp} plain load and
 * store, {@code lo} opaque load, {@code la} acquire load, {@code so} ordered (release) store, {@code lv}/
 * {@code sv} volatile load and store, {@code cas} compare-and-set.
 */
package org.iocp4j.internal.concurrent;
