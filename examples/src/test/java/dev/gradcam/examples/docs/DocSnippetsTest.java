package dev.gradcam.examples.docs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java snippets in the README, the getting-started, pixel-methods and evaluation guides compile against the current
 * API, so the docs cannot drift from the code. Each {@code ```java} block is wrapped in a method (with the API's
 * packages imported) and compiled with the JDK's compiler on this module's test class path; running them needs real
 * files, which the numbered examples' smoke tests cover.
 */
class DocSnippetsTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final String IMPORTS = String.join("\n",
            "import dev.gradcam.api.*;", "import dev.gradcam.api.cam.*;", "import dev.gradcam.api.image.*;",
            "import dev.gradcam.api.post.*;", "import dev.gradcam.api.spi.*;", "import dev.gradcam.api.target.*;",
            "import dev.gradcam.api.tensor.*;", "import dev.gradcam.api.method.*;", "import dev.gradcam.api.saliency.*;",
            "import dev.gradcam.api.visualize.*;", "import dev.gradcam.metrics.*;",
            "import java.nio.file.Path;", "import java.util.List;", "import java.util.Map;");

    @TempDir
    Path out;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"../README.md", "../docs/getting-started.md", "../docs/pixel-methods.md",
        "../docs/detection-and-segmentation.md", "../docs/evaluation.md"})
    void javaSnippetsCompile(String doc) throws IOException {
        String text = Files.readString(Path.of(doc));
        Matcher m = JAVA_BLOCK.matcher(text);
        List<JavaFileObject> sources = new ArrayList<>();
        int i = 0;
        while (m.find()) {
            String cls = "Snippet" + i++;
            String code = IMPORTS + "\nclass " + cls + " {\n  void run() throws Exception {\n" + m.group(1)
                    + "\n  }\n}\n";
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        assertFalse(sources.isEmpty(), doc + " has no ```java snippet");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                null, sources).call();
        assertTrue(ok, doc + ": a Java snippet no longer compiles:\n" + diagnostics);
    }
}
