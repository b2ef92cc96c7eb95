package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html in a real browser: Debian's headless chromium loads the page and counts the images that rendered
 * ({@code complete && naturalWidth > 0}). Tagged {@code browser} (excluded by default, like {@code heavy}); run with
 * {@code mvn -pl gradcam-cli verify -Dgroups=browser -DexcludedTestGroups=} where {@code /usr/bin/chromium} exists
 * ({@code apt-get install chromium}).
 */
@Tag("browser")
@EnabledIf("chromiumInstalled")
class ReportBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    static boolean chromiumInstalled() {
        return Files.isExecutable(CHROMIUM);
    }

    @BeforeAll
    static void copyFixtures() throws IOException {
        EvaluateCommandTest.fixtures = fixtures;
        EvaluateCommandTest.copyFixtures();
    }

    @Test
    void everyImageOfTheReportRendersInChromium() throws Exception {
        Path out = EvaluateCommandTest.evaluateThreeMethods(dir.resolve("eval"));
        String html = Files.readString(out.resolve("report.html"));
        int expected = ReportImages.decodeAll(html).size();
        // The probe runs after load and writes its count into the DOM that --dump-dom prints.
        String probe = "<script>window.addEventListener('load',()=>{const a=[...document.images];"
                + "const ok=a.filter(i=>i.complete&&i.naturalWidth>0).length;const p=document.createElement('pre');"
                + "p.id='gradcam-check';p.textContent=ok+'/'+a.length;document.body.appendChild(p);});</script>";
        Path page = dir.resolve("probe.html");
        Files.writeString(page, html.replace("</body>", probe + "</body>"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        Matcher m = Pattern.compile("<pre id=\"gradcam-check\">(\\d+)/(\\d+)</pre>").matcher(dom);
        assertTrue(m.find(), "the probe did not run; chromium printed " + dom.length() + " characters");
        assertEquals(expected, Integer.parseInt(m.group(2)), "images in the page");
        assertEquals(expected, Integer.parseInt(m.group(1)), "images that rendered (naturalWidth > 0)");
    }
}
