/** A runnable example of the bridge: {@link org.iocp4j.jna.example.WatchDirectory} prints a directory's changes. */
package org.iocp4j.jna.example;
