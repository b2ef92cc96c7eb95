package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import java.nio.file.Path;
import java.util.Map;

/** The compiled gradient graphs run on the CUDA execution provider and agree with PyTorch there too. */
class CudaExecutionTest {

    /** cuDNN may pick TF32 or other algorithms than the CPU: a looser bound than the CPU's 1e-4. */
    private static final double TOLERANCE = 5e-3;

    @GpuTest
    void fixturesMatchPyTorchOnCuda() {
        for (String arch : new String[] {"resnet_basic", "vgg", "mobilenetv2", "densenet"}) {
            Path dir = FixtureTest.fixtures();
            try (OnnxModel m = OnnxModel.load(dir.resolve(arch + ".onnx"), Map.of("executionProvider", "cuda"))) {
                assertTrue(m.executionProvider().startsWith("CUDA"), m.executionProvider());
                FloatTensor x = Npy.read(dir.resolve(arch).resolve("input.npy"));
                FloatTensor seed = Npy.read(dir.resolve(arch).resolve("seed.npy"));
                for (GradientMode mode : new GradientMode[] {GradientMode.STANDARD, GradientMode.GUIDED}) {
                    PassResult r = m.run(PassRequest.builder(x).inputGradient(true).mode(mode)
                            .seed(new Seed.OfShape(s -> seed)).build());
                    String file = mode.equals(GradientMode.GUIDED) ? "input_grad_guided.npy" : "input_grad.npy";
                    FloatTensor expected = Npy.read(dir.resolve(arch).resolve(file));
                    FloatTensor actual = r.inputGradient().orElseThrow();
                    assertEquals(expected.shape(), actual.shape());
                    double err = actual.relativeError(expected);
                    assertTrue(err < TOLERANCE, arch + " " + mode + " input gradient on CUDA: error " + err);
                }
                PassResult top = m.run(PassRequest.builder(x).tap(m.resolveLayer("auto").name())
                        .seed(new Seed.TopClass()).build());
                assertTrue(top.gradient(m.resolveLayer("auto").name()).allFinite());
            }
        }
    }
}
