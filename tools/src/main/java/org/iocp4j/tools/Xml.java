package org.iocp4j.tools;

/**
 * XML text escaping for the hand-written SVG and XHTML reports: the output parses as XML and displays
 * as HTML5.
 */
public final class Xml {

    private Xml() {
    }

    /**
     * Escapes text for XML character data and attribute values (either quote). Characters XML 1.0
     * cannot carry at all (most control characters, lone surrogates, U+FFFE and U+FFFF) become U+FFFD,
     * so a thread name or file name can never make a report unparseable.
     *
     * @param text any text; null is written as "null"
     * @return the escaped text
     */
    public static String escape(CharSequence text) {
        String s = String.valueOf(text);
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String r = replacement(s, i, c);
            if (r == null) {
                if (b != null) {
                    b.append(c);
                }
                continue;
            }
            if (b == null) {
                b = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (r.isEmpty()) { // a valid surrogate pair: keep both halves
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(r);
            }
        }
        return b == null ? s : b.toString();
    }

    /** Null to keep {@code c}, "" for a valid surrogate pair starting at {@code i}, else its replacement. */
    private static String replacement(String s, int i, char c) {
        switch (c) {
            case '&':
                return "&amp;";
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '"':
                return "&quot;";
            case '\'':
                return "&apos;";
            case '\t':
            case '\n':
            case '\r':
                return null;
            default:
                break;
        }
        if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            return "\uFFFD";
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? "" : "\uFFFD";
        }
        if (Character.isLowSurrogate(c)) {
            return "\uFFFD"; // a low surrogate not consumed with its high one
        }
        return null;
    }
}
