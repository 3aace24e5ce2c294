package org.iocp4j.internal.dispatch;

import org.iocp4j.IoDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log the engine writes a dispatcher's messages to: the category {@code org.iocp4j.IoDispatcher}, the
 * one users configure, whichever class of the engine the line comes from.
 */
final class DispatcherLog {

    static final Logger LOG = LoggerFactory.getLogger(IoDispatcher.class);

    private DispatcherLog() {
    }
}
