package dev.modelc.samples.projects;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * modelc-bom has no parent (importing a BOM imports its parent's dependencyManagement too), so it
 * repeats three of modelc-parent's versions; they must agree, or users would test against another
 * JUnit and jqwik than modelc-testing was built with.
 */
class BomVersionsTest {
    @Test
    void theBomPinsTheVersionsTheBuildUses() throws Exception {
        Element parent = pom(DocumentedPomsTest.ROOT.resolve("pom.xml"));
        Element bom = pom(DocumentedPomsTest.ROOT.resolve("bom/pom.xml"));
        assertEquals(child(parent, "version").getTextContent(), child(bom, "version").getTextContent(), "modelc-bom's version");
        for (String property : List.of("junit.version", "jqwik.version")) {
            assertEquals(child(child(parent, "properties"), property).getTextContent(), child(child(bom, "properties"), property).getTextContent(),
                    property + " in modelc-bom and modelc-parent");
        }
    }

    @Test
    void theBomPinsEveryModuleAUserDependsOn() throws Exception {
        String bom = DocumentedPomsTest.read(DocumentedPomsTest.ROOT.resolve("bom/pom.xml"));
        for (String module : List.of("modelc-runtime", "modelc-grammar", "modelc-compiler", "modelc-testing", "modelc-cuda",
                "modelc-lsp", "modelc-maven-plugin", "junit-bom", "jqwik", "jqwik-api", "jqwik-engine")) {
            assertTrue(bom.contains("<artifactId>" + module + "</artifactId>"), module + " is not in modelc-bom");
        }
    }

    private static Element pom(Path file) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile()).getDocumentElement();
    }

    private static Element child(Element e, String name) {
        for (var n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element c && c.getTagName().equals(name)) return c;
        }
        throw new AssertionError("<" + e.getTagName() + "> has no <" + name + ">");
    }
}
