/**
 * The {@code iocp4j} command ({@link org.iocp4j.tools.Main}): {@code demo}, {@code bench} and
 * {@code diagnose}, their command line (picocli: options declared once per command, help, suggestions and
 * exit statuses derived from them), and the HTML reports and SVG charts they write.
 *
 * <p>Rules: the tools use the library's public API only ({@code org.iocp4j}, {@code org.iocp4j.io}),
 * never {@code org.iocp4j.internal}, so they show what a user can build. What a command prints is part of
 * its contract and is tested ({@code MainTest}, {@code BenchCommandTest}); a report states how it was
 * measured (machine, backend, settings) beside every figure.
 */
package org.iocp4j.tools;
