package org.iocp4j.tools;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;

import org.iocp4j.Iocp;

import picocli.CommandLine.IVersionProvider;

/**
 * What {@code iocp4j --version} prints: the tools' version and the library's they were built with (both
 * from {@value #RESOURCE}, which Maven fills in at build time), the backend this JVM would use (on Linux, and
 * whether its files use libiocp4j.so), and the JVM.
 */
final class ToolsVersion implements IVersionProvider {

    static final String RESOURCE = "iocp4j-tools.properties";

    @Override
    public String[] getVersion() throws IOException {
        Properties versions = versions();
        return new String[] {
            "iocp4j-tools " + versions.getProperty("tools.version", "unknown"),
            "iocp4j " + versions.getProperty("library.version", "unknown") + ", " + backend(),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                    + System.getProperty("java.vendor") + "), " + System.getProperty("os.name") + " "
                    + System.getProperty("os.version") + " (" + System.getProperty("os.arch") + ")",
        };
    }

    static Properties versions() throws IOException {
        Properties p = new Properties();
        try (InputStream in = ToolsVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the class path: a build without Maven's resources?");
            }
            p.load(in);
        }
        return p;
    }

    /** Which backend a port opened now would get, and why not the native one when it is not. */
    private static String backend() {
        String backend;
        try {
            backend = Iocp.backend().name().toLowerCase(Locale.ROOT) + " backend";
        } catch (IllegalArgumentException e) { // a bad -Diocp4j.backend
            return "backend unknown: " + e.getMessage();
        }
        if (Iocp.isAvailable()) {
            return backend.startsWith("native") ? backend
                    : backend + " (set by -D" + Iocp.BACKEND_PROPERTY + "; the native one is available)";
        }
        return backend + " (native unavailable: " + firstLine(Iocp.unavailabilityCause()) + ")" + linuxFiles();
    }

    /** On Linux, how the portable backend's files run: through the kernel library or NIO, and why. */
    private static String linuxFiles() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "";
        }
        return "; kernel library libiocp4j.so for files: " + Iocp.linuxLibraryStatus();
    }

    private static String firstLine(Throwable t) {
        String m = t == null ? "no cause given" : String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
