/**
 * The engine behind {@link org.iocp4j.IoDispatcher}, which only wires these classes and keeps the public
 * contracts. One concern per class:
 * <ul>
 *   <li>{@link OverlappedSlab}: the off-heap OVERLAPPEDs and their state words
 *       ({@link SlotWord});
 *       {@link OverlappedPool}: allocation within the bounds
 *       ({@link Backpressure}), an operation's life, the leak backstop: the only
 *       partner of {@link org.iocp4j.NativeOverlapped}, which it reads through
 *       {@link OverlappedAccess};</li>
 *   <li>{@link PacketRouter}: the one switch on a packet's kind
 *       ({@link PacketKey}); {@link CallbackRunner}:
 *       where user code runs; {@link TaskDrain}: the task queue and its
 *       wake-ups;</li>
 *   <li>{@link IoThreadPool}: how many threads;
 *       {@link IoLoop}: what they run; {@link IoThread}
 *       and {@link BatchHandOver}: a stuck thread's batch handed to free ones;</li>
 *   <li>{@link DispatcherCounters} and
 *       {@link DispatcherSnapshots}: what {@code stats()} and the getters read;
 *       {@link Lifecycle} and {@link Termination}:
 *       the run state and the shutdown; {@link JmxRegistration}: the MBean;</li>
 *   <li>{@link DispatcherConfig}: the settings, built by
 *       {@link org.iocp4j.DispatcherBuilder}.</li>
 * </ul>
 * Not API (public only for {@code org.iocp4j}).
 *
 * <p>Rules: only the dispatcher and its overlapped types use this package, and nothing here asks which
 * backend runs (the termination cancels through the port's platform). The per-packet path (the loop, the router,
 * submit and free) allocates nothing and takes no lock, and calls only final classes through final fields.
 * Messages go to the dispatcher's log category, {@code org.iocp4j.IoDispatcher}.
 */
package org.iocp4j.internal.dispatch;
