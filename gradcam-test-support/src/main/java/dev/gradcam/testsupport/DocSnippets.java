package dev.gradcam.testsupport;

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

/**
 * Compiles the {@code ```java} blocks of a Markdown document against the calling test's class path, each <b>with its
 * own imports only</b>, so what a reader copies into a file compiles there too.
 *
 * <p>How a block becomes Java: its leading {@code import} lines head a compilation unit; a block that declares a
 * type (a selector, a contract test) is compiled as it is; any other block becomes the body of a method. A block
 * that continues from the text around it names what it assumes in a first comment line, which becomes the method's
 * parameters: {@code // given: DifferentiableModel model, FloatTensor images} (the types imported by the block). The
 * blocks of one document compile together, so a later block may use a type an earlier one declares.
 */
public final class DocSnippets {

    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern GIVEN = Pattern.compile("^\\s*// given: (.+)$");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^(/\\*\\*.*?\\*/\\s*)?((public|final|abstract)\\s+)*(class|record|interface|enum)\\s", Pattern.DOTALL);

    /**
     * What compiling a document's blocks gave.
     *
     * @param blocks      how many {@code ```java} blocks the document has
     * @param ok          whether all of them compiled
     * @param diagnostics the compiler's messages
     */
    public record Result(int blocks, boolean ok, String diagnostics) {
    }

    private DocSnippets() {
    }

    /** The {@code ```java} blocks of a document, in order. */
    public static List<String> blocks(Path doc) throws IOException {
        Matcher m = JAVA_BLOCK.matcher(Files.readString(doc));
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            blocks.add(m.group(1));
        }
        return blocks;
    }

    /** Whether any block of the document imports from {@code packagePrefix} (e.g. {@code org.apache.spark}). */
    public static boolean imports(Path doc, String packagePrefix) throws IOException {
        return blocks(doc).stream().flatMap(String::lines)
                .anyMatch(l -> l.startsWith("import " + packagePrefix) || l.startsWith("import static " + packagePrefix));
    }

    /**
     * Compiles every block of {@code doc} into {@code classes} on this JVM's class path.
     *
     * @throws IllegalStateException if the JVM has no compiler (a JRE)
     */
    public static Result compile(Path doc, Path classes) throws IOException {
        List<String> blocks = blocks(doc);
        if (blocks.isEmpty()) {
            return new Result(0, true, "");
        }
        List<JavaFileObject> sources = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            String cls = "Snippet" + i;
            String code = compilationUnit(blocks.get(i), cls);
            sources.add(new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return code;
                }
            });
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this JVM; run the tests on a JDK");
        }
        StringWriter diagnostics = new StringWriter();
        boolean ok = javac.getTask(diagnostics, null, null,
                List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
                null, sources).call();
        return new Result(blocks.size(), ok, diagnostics.toString());
    }

    /** A block as a compilation unit named {@code cls} (or as it is, when it declares its own types). */
    static String compilationUnit(String block, String cls) {
        List<String> lines = block.lines().toList();
        StringBuilder imports = new StringBuilder();
        int i = 0;
        while (i < lines.size() && (lines.get(i).startsWith("import ") || lines.get(i).isBlank())) {
            imports.append(lines.get(i++)).append('\n');
        }
        String parameters = "";
        if (i < lines.size()) {
            Matcher given = GIVEN.matcher(lines.get(i));
            if (given.matches()) {
                parameters = given.group(1).trim();
                i++;
            }
        }
        String body = String.join("\n", lines.subList(i, lines.size()));
        if (TYPE_DECLARATION.matcher(body.strip()).lookingAt()) {
            return imports + body + "\n";
        }
        return imports + "class " + cls + " {\n  void run(" + parameters + ") throws Exception {\n" + body
                + "\n  }\n}\n";
    }
}
