package org.iocp4j.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class XmlTest {

    @Test
    void escapesMarkupAndBothQuotes() {
        assertEquals("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;", Xml.escape("a <b> & \"c\" 'd'"));
    }

    @Test
    void leavesPlainTextAlone() {
        String plain = "request 7 on port-io-1 \u00D7 \u00e9\t\n";
        assertSame(plain, Xml.escape(plain));
    }

    @Test
    void replacesWhatXmlCannotCarry() {
        assertEquals("a\uFFFDb\uFFFDc\uFFFD", Xml.escape("a\u0000b\u001bc\uFFFF"));
        assertEquals("x\uFFFDy\uFFFD", Xml.escape("x\uD800y\uDC00"));
        assertEquals("\uD83D\uDE00", Xml.escape("\uD83D\uDE00")); // a valid pair stays
        assertEquals("null", Xml.escape(null));
    }
}
