package dev.gradcam.spark;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.testsupport.DocSnippets;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets of docs/spark.md compile with their own imports, here where Spark (a provided dependency) is on
 * the class path; examples' {@code DocSnippetsTest} compiles every other document.
 */
class SparkDocSnippetsTest {

    @Test
    void sparkGuideSnippetsCompile(@TempDir Path out) throws IOException {
        DocSnippets.Result r = DocSnippets.compile(Path.of("../docs/spark.md"), out);
        assertTrue(r.blocks() > 0, "docs/spark.md shows code");
        assertTrue(r.ok(), "docs/spark.md: a Java snippet does not compile:\n" + r.diagnostics());
    }
}
