package dev.gradcam.nd4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.nd4j.TestGraphs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;

class OneDnnGuardTest {

    /** The switch is per process: give the tests that run after these the default natives' helpers back. */
    @AfterAll
    static void helpersBackOn() {
        Nd4j.getEnvironment().allowHelpers(true);
    }

    private static SameDiff conv(int dilation) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2, 9, 9);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, 3, 3, 2, 4)); // YXIO, as NOTES.md says conv2d needs
        SDVariable y = sd.cnn.conv2d("conv", x, w, Conv2DConfig.builder().kH(3).kW(3).dH(dilation).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW").build());
        sd.nn.relu("y", y, 0);
        return sd;
    }

    @Test
    void findsDilatedConvolutionsOnly() {
        assertNull(OneDnnGuard.firstDilatedConvolution(conv(1)));
        assertNull(OneDnnGuard.firstDilatedConvolution(TestGraphs.cnn()));
        assertEquals("conv", OneDnnGuard.firstDilatedConvolution(conv(2)));
    }

    @Test
    void aModelWithADilatedConvolutionRunsWithTheHelpersOff() {
        // With the oneDNN natives (the default) this forward pass fails unless the guard switched the helpers off.
        try (SameDiffModel m = SameDiffModel.builder(conv(2)).input("x").outputs("y").build()) {
            assertEquals(Shape.of(1, 4, 5, 7), m.forward(TestGraphs.gaussian(Shape.of(1, 2, 9, 9), 3)).shape());
        }
        assertFalse(Nd4j.getEnvironment().helpersAllowed());
    }
}
