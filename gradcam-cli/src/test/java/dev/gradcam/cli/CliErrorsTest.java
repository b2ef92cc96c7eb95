package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exit codes and messages the reliability review found wrong (issue 12, items 5 and 7), on the ONNX backend. */
class CliErrorsTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static Path model;
    private static Path input;

    @BeforeAll
    static void copyFixtures() throws IOException {
        model = CliFixtures.copy(fixtures, "resnet_basic.onnx");
        input = CliFixtures.copy(fixtures, "resnet_basic_input.npy");
    }


    private CliRun explain(String... more) {
        String[] base = {"explain", "--model", model.toString(), "--input", input.toString(), "--layer", "layer2",
            "--out", dir.resolve("out").toString()};
        return CliRun.with(base, more);
    }

    @Test
    void unknownOutputIsAnUnknownName() {
        CliRun r = explain("--output", "no_such_output");
        assertEquals(ExitCodes.UNKNOWN_NAME, r.code(), r::toString);
        assertTrue(r.err().contains("unknown output 'no_such_output'"), r::toString);
    }

    @Test
    void badBackendOptionIsAUsageError() {
        CliRun r = explain("--backend-option", "optimizationLevel=fastest");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("optimizationLevel must be one of"), r::toString);
        CliRun unknown = explain("--backend-option", "colour=blue");
        assertEquals(ExitCodes.USAGE, unknown.code(), unknown::toString);
    }

    @Test
    void aFixedBatchModelTakesAFolderOfAnySize() throws IOException {
        // Many exports fix the batch to 1; the review saw a folder of 4 images fail with no hint.
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
        ModelProto.Builder b = m.toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).clearDimParam().setDimValue(1);
        Path fixed = Files.write(dir.resolve("fixed_batch.onnx"), b.build().toByteArray());
        Path images = Files.createDirectory(dir.resolve("images"));
        for (String name : new String[] {"a.png", "b.png", "c.png", "d.png"}) {
            GradcamCliTest.image(images.resolve(name), 32, 32);
        }
        CliRun r = CliRun.of("explain", "--model", fixed.toString(), "--input", images.toString(), "--layer",
                "layer2", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(Files.exists(dir.resolve("out").resolve("d.overlay.png")), r::toString);
    }

    @Test
    void aModelWithAFixedBatchOfFourExplainsSixImages() throws IOException {
        // Two passes of four: the second holds two images and two copies of the last as padding, whose results
        // are dropped. Reference: the same model with a dynamic batch.
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).clearDimParam().setDimValue(4);
        Path fixed = Files.write(dir.resolve("fixed_batch4.onnx"), b.build().toByteArray());
        Path images = Files.createDirectory(dir.resolve("images"));
        for (int i = 0; i < 6; i++) {
            GradcamCliTest.image(images.resolve("img" + i + ".png"), 32 + i, 32);
        }
        CliRun r = CliRun.of("explain", "--model", fixed.toString(), "--input", images.toString(), "--layer",
                "layer2", "--out", dir.resolve("fixed").toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        CliRun free = CliRun.of("explain", "--model", model.toString(), "--input", images.toString(), "--layer",
                "layer2", "--out", dir.resolve("dynamic").toString());
        assertEquals(ExitCodes.OK, free.code(), free::toString);
        for (int i = 0; i < 6; i++) {
            assertTrue(Files.exists(dir.resolve("fixed").resolve("img" + i + ".overlay.png")), r::toString);
        }
        dev.gradcam.api.tensor.FloatTensor a = dev.gradcam.api.io.Npy.read(dir.resolve("fixed").resolve("raw.npy"));
        dev.gradcam.api.tensor.FloatTensor e = dev.gradcam.api.io.Npy.read(dir.resolve("dynamic").resolve("raw.npy"));
        assertEquals(e.shape(), a.shape());
        assertEquals(6, a.shape().dim(0));
        assertTrue(a.relativeError(e) < 1e-5, "relative error " + a.relativeError(e));
    }

    @Test
    void sizesAreCheckedBeforeAnyImageIsResized() throws IOException {
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(model)).toBuilder();
        for (int d = 2; d < 4; d++) {
            b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                    .getDimBuilder(d).clearDimParam().setDimValue(32);
        }
        Path fixed = Files.write(dir.resolve("fixed_size.onnx"), b.build().toByteArray());
        Path image = GradcamCliTest.image(dir.resolve("cat.png"), 40, 30);
        CliRun r = CliRun.of("explain", "--model", fixed.toString(), "--input", image.toString(), "--size",
                "5000x5000", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("does not fit the model's fixed input of 32x32"), r::toString);
        CliRun huge = CliRun.of("explain", "--model", model.toString(), "--input", image.toString(), "--size",
                "20000x20000", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, huge.code(), huge::toString);
        assertTrue(huge.err().contains("above the limit of 50000000"), huge::toString);
    }

    @Test
    void anOnnxModelNamedBinGetsAHint() throws IOException {
        Path bin = Files.copy(model, dir.resolve("model.bin"));
        CliRun r = CliRun.of("explain", "--model", bin.toString(), "--input", input.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(ExitCodes.UNSUPPORTED, r.code(), r::toString);
        assertTrue(r.err().contains("model.bin starts like an ONNX model: rename it to end in .onnx"), r::toString);
    }

    @Test
    void aFolderGivenAsTheModelSaysSo() {
        CliRun r = CliRun.of("explain", "--model", fixtures.toString(), "--input", input.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(ExitCodes.NOT_FOUND, r.code(), r::toString);
        assertTrue(r.err().contains("is a folder, not a model file"), r::toString);
        assertTrue(r.err().contains("resnet_basic.onnx"), r::toString);
        assertFalse(r.err().contains("not found"), r::toString);
    }
}
