/**
 * Lock-free bounded rings (Dmitry Vyukov's sequence-numbered multi-producer, multi-consumer ring):
 * {@code TaskQueue}, the dispatcher's queue of plain tasks and its wake-up flag, and {@code PacketQueue},
 * the portable port's queue of completion packets. Not API (public only for the packages that use them).
 *
 * <p>Rules: no locks and no allocation per element; each class states its concurrency contract and its
 * memory ordering in its Javadoc, and has a race test in the same test package. Nothing here knows a
 * backend or a dispatcher.
 */
package org.iocp4j.internal.concurrent;
