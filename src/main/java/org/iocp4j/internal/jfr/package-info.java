/**
 * The dispatcher's Java Flight Recorder events, opt-in and off unless a recording enables them. Not API.
 *
 * <p>Rules: only {@code DispatcherEvents} is called from outside, and it touches the event classes only
 * once it knows the runtime has the {@code jdk.jfr} module, so a runtime without it (a jlinked one,
 * Azul's embedded JDK 11) still runs the library with its events off.
 */
package org.iocp4j.internal.jfr;
