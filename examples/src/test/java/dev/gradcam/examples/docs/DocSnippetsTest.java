package dev.gradcam.examples.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.testsupport.DocSnippets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code ```java} block of README.md and of every guide in docs/ compiles against the current API with its own
 * imports only ({@link DocSnippets} says how a block becomes Java), so the docs cannot drift from the code and what a
 * reader copies compiles. Documents whose snippets use Spark compile in gradcam-spark's {@code SparkDocSnippetsTest},
 * where Spark is on the class path. Running the snippets needs real models and images, which the numbered examples'
 * smoke tests cover.
 */
class DocSnippetsTest {

    @TempDir
    Path out;

    /** README.md and every Markdown file in docs/. */
    static Stream<String> documents() throws IOException {
        try (Stream<Path> docs = Files.list(Path.of("../docs"))) {
            return Stream.concat(Stream.of("../README.md"), docs.map(Path::toString).filter(p -> p.endsWith(".md"))
                    .sorted().toList().stream());
        }
    }

    @Test
    void theReadmeAndTheGuidesHaveJavaSnippets() throws IOException {
        assertFalse(DocSnippets.blocks(Path.of("../README.md")).isEmpty(), "the README shows code");
        assertTrue(documents().count() > 10, "docs/ was found");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("documents")
    void javaSnippetsCompileWithTheirOwnImports(String doc) throws IOException {
        Path file = Path.of(doc);
        if (DocSnippets.imports(file, "org.apache.spark")) {
            return; // compiled by gradcam-spark's SparkDocSnippetsTest
        }
        DocSnippets.Result r = DocSnippets.compile(file, out);
        assertTrue(r.ok(), doc + ": a Java snippet does not compile (each block must import what it uses):\n"
                + r.diagnostics());
    }
}
