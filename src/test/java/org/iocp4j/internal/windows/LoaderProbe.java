package org.iocp4j.internal.windows;

/** The main of a child JVM in {@link NativeLibraryLoaderTest}: loads the DLL and prints how it went. */
public final class LoaderProbe {

    private LoaderProbe() {
    }

    /**
     * Prints {@code loaded=}, {@code location=} and {@code failure=} lines (the failure on one line).
     *
     * @param args unused
     */
    public static void main(String[] args) {
        System.out.println("loaded=" + NativeLibraryLoader.isLoaded());
        System.out.println("location=" + NativeLibraryLoader.location());
        Throwable failure = NativeLibraryLoader.failure();
        System.out.println("failure=" + (failure == null ? "" : failure.getMessage().replace('\n', '|')));
    }
}
