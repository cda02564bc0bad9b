package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * modelc-cuda depends on the runtime and JCuda only, in every scope: its pom names no other
 * modelc module, and not even its tests see the compiler. What checks the CUDA backend with the
 * compiler (the emulated reference cases, the GPU check tools) is modelc-cuda-checks.
 */
class ModuleDependenciesTest {
    @Test
    void thePomDependsOnTheRuntimeAndJCudaAndTestsOnJUnitOnly() throws Exception {
        Path pom = Path.of("pom.xml");
        assertTrue(Files.isRegularFile(pom), "run from the cuda module: " + pom.toAbsolutePath());
        List<String> main = new ArrayList<>(), test = new ArrayList<>();
        // Every <dependency> in the pom, wherever it is (dependencies, dependencyManagement, a plugin's).
        NodeList all = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getElementsByTagName("dependency");
        for (int i = 0; i < all.getLength(); i++) {
            Element d = (Element) all.item(i);
            String name = text(d, "groupId") + ":" + text(d, "artifactId") + (text(d, "type").isEmpty() ? "" : ":" + text(d, "type"));
            (text(d, "scope").equals("test") ? test : main).add(name);
        }
        assertEquals(List.of("dev.modelc:modelc-runtime", "org.jcuda:jcuda"), main, "modelc-cuda's dependencies");
        assertEquals(List.of("org.junit.jupiter:junit-jupiter"), test, "modelc-cuda's test dependencies");
    }

    /** Transitively too: neither the compiler nor its Java API is on this module's test class path. */
    @Test
    void theCompilerIsNotOnTheTestClassPath() {
        for (String name : List.of("dev.modelc.compiler.Compiler", "dev.modelc.api.Modelc", "dev.modelc.compiler.backend.cuda.DeviceModel")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name, false, ModuleDependenciesTest.class.getClassLoader()), name);
        }
    }

    private static String text(Element dependency, String tag) {
        NodeList found = dependency.getElementsByTagName(tag);
        return found.getLength() == 0 ? "" : found.item(0).getTextContent().strip();
    }
}
