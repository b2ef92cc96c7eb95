package dev.gradcam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * gradcam-bom manages every artifact the build publishes, and the ONNX Runtime version the build is tested with: a
 * module added to the reactor and forgotten in the BOM, or a version bumped in one place only, fails here.
 */
class BomTest {

    /** Reactor modules that are not published (or are the BOM itself). */
    private static final Set<String> UNPUBLISHED = Set.of("gradcam-parent", "gradcam-onnx-parent", "gradcam-bom",
            "gradcam-examples", "gradcam-integration-tests", "gradcam-test-support");

    private static final Path ROOT = Path.of("..");

    @Test
    void managesEveryPublishedModuleAndTheTestedOnnxRuntime() throws Exception {
        Set<String> published = new TreeSet<>();
        collectModules(ROOT, published);
        published.removeAll(UNPUBLISHED);
        assertTrue(published.contains("gradcam-onnx-cpu"), published::toString);

        Document bom = parse(ROOT.resolve("gradcam-bom/pom.xml"));
        Set<String> managed = new TreeSet<>();
        for (Element d : children(first(bom.getDocumentElement(), "dependencyManagement"), "dependency")) {
            if (text(d, "groupId").equals("dev.gradcam")) {
                managed.add(text(d, "artifactId"));
            }
        }
        assertEquals(published, managed, "gradcam-bom/pom.xml's managed gradcam artifacts");

        String parentOrt = text(first(parse(ROOT.resolve("pom.xml")).getDocumentElement(), "properties"),
                "onnxruntime.version");
        assertEquals(parentOrt, text(first(bom.getDocumentElement(), "properties"), "onnxruntime.version"),
                "the BOM's ONNX Runtime version is the one the build tests with");
    }

    private static void collectModules(Path dir, Set<String> into) throws Exception {
        Element project = parse(dir.resolve("pom.xml")).getDocumentElement();
        into.add(text(project, "artifactId"));
        Element modules = first(project, "modules");
        if (modules != null) {
            for (Element m : children(modules, "module")) {
                collectModules(dir.resolve(m.getTextContent().strip()), into);
            }
        }
    }

    private static Document parse(Path pom) throws Exception {
        assertTrue(Files.isRegularFile(pom), pom + " exists");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    }

    /** The first direct child element named {@code name}, or null. */
    private static Element first(Element parent, String name) {
        List<Element> all = children(parent, name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Direct child elements named {@code name}, or, for dependencyManagement, those of its dependencies element. */
    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e) {
                if (e.getTagName().equals(name)) {
                    out.add(e);
                } else if (e.getTagName().equals("dependencies") && name.equals("dependency")) {
                    out.addAll(children(e, name));
                }
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = first(parent, name);
        return e == null ? "" : e.getTextContent().strip();
    }
}
