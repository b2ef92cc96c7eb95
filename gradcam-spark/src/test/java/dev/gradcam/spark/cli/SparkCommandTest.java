package dev.gradcam.spark.cli;

import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.PngWriter;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded run end to end: a folder of images in, Parquet and overlay PNGs out, on local[2]. */
class SparkCommandTest {

    private static final String MODEL = "../gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures/"
            + "resnet_basic.onnx";

    @Test
    void writesParquetAndOverlaysAndRefusesToOverwrite(@TempDir Path dir) throws IOException {
        Path input = Files.createDirectories(dir.resolve("in/sub"));
        for (int i = 0; i < 6; i++) {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(40 * i, 200 - 30 * i, 90));
            g.fillRect(5 * i, 3, 12, 20);
            g.dispose();
            PngWriter.write(image, (i % 2 == 0 ? input : input.getParent()).resolve("img" + i + ".png"));
        }
        Files.writeString(input.resolve("broken.jpg"), "not a jpeg");
        Files.writeString(input.resolve("notes.txt"), "ignored: not an image file");
        Path out = dir.resolve("out");
        String[] args = {"--model", MODEL, "--input", dir.resolve("in").toString(), "--out", out.toString(),
            "--layer", "layer2", "--png", "--master", "local[2]", "--batch-size", "2"};

        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = SparkCommand.execute(new PrintWriter(stdout, true), new PrintWriter(stderr, true), args);
        assertEquals(0, code, stderr.toString());
        assertTrue(stdout.toString().contains("explained 7 images (1 errors)"), stdout.toString());
        assertTrue(stdout.toString().contains("broken.jpg: ModelLoadException: cannot decode image"),
                stdout.toString());
        assertTrue(Files.exists(out.resolve("explanations/_SUCCESS")));
        try (Stream<Path> parts = Files.list(out.resolve("explanations"))) {
            assertTrue(parts.anyMatch(p -> p.getFileName().toString().endsWith(".parquet")));
        }
        List<String> overlays;
        try (Stream<Path> files = Files.walk(out.resolve("overlays"))) {
            overlays = files.filter(p -> p.toString().endsWith(".overlay.png"))
                    .map(p -> out.resolve("overlays").relativize(p).toString()).sorted().toList();
        }
        assertEquals(List.of("img1.png.overlay.png", "img3.png.overlay.png", "img5.png.overlay.png",
                "sub/img0.png.overlay.png", "sub/img2.png.overlay.png", "sub/img4.png.overlay.png"), overlays);
        BufferedImage overlay = Images.read(out.resolve("overlays/sub/img0.png.overlay.png"));
        assertEquals(32, overlay.getWidth()); // the model's input size: images are resized to it

        StringWriter again = new StringWriter();
        assertEquals(1, SparkCommand.execute(new PrintWriter(new StringWriter()), new PrintWriter(again, true), args));
        assertTrue(again.toString().contains("exists; choose another --out or add --overwrite"), again.toString());
    }
}
