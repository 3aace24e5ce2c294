package org.iocp4j.tools;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/** Parses the reports as XML (a parse error fails the test) and finds elements in them. */
final class Xhtml {

    static final String SVG = "http://www.w3.org/2000/svg";
    static final String HTML = "http://www.w3.org/1999/xhtml";

    private Xhtml() {
    }

    static Document parse(String text) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            return b.parse(new InputSource(new StringReader(text)));
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new AssertionError("not well-formed: " + e + "\n" + text, e);
        }
    }

    static List<Element> elements(Document doc, String namespace, String name) {
        return asList(doc.getElementsByTagNameNS(namespace, name));
    }

    static List<Element> elements(Element root, String namespace, String name) {
        return asList(root.getElementsByTagNameNS(namespace, name));
    }

    private static List<Element> asList(NodeList nodes) {
        List<Element> list = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            list.add((Element) nodes.item(i));
        }
        return list;
    }

    static List<String> texts(List<Element> elements) {
        List<String> texts = new ArrayList<>();
        for (Element e : elements) {
            texts.add(e.getTextContent());
        }
        return texts;
    }
}
