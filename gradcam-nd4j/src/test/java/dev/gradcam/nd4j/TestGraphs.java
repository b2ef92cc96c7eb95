package dev.gradcam.nd4j;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.demo.ShapesCnn;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** Small graphs and inputs shared by the tests. */
public final class TestGraphs {

    /** Image side of {@link #cnn()}. */
    public static final int SIZE = 16;

    private TestGraphs() {
    }

    /** The demo CNN, untrained, for 16 x 16 single-channel images (features 4 x 4). */
    public static SameDiff cnn() {
        return ShapesCnn.build(SIZE, 3, 7);
    }

    /** A model of {@link #cnn()} explaining the logits. */
    public static SameDiffModel cnnModel() {
        return SameDiffModel.builder(cnn()).input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build();
    }

    /** Gaussian images [n, 1, 16, 16]. */
    public static FloatTensor images(int n, long seed) {
        return gaussian(Shape.of(n, 1, SIZE, SIZE), seed);
    }

    /** A tensor of standard normal values. */
    public static FloatTensor gaussian(Shape shape, long seed) {
        Random r = new Random(seed);
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(shape, d);
    }

    /**
     * A smooth CNN (tanh, average pooling, sigmoid) for 16 x 16 single-channel images, whose layer {@code features}
     * is 8 x 8 x 8: finite differences of a smooth function check gradients tightly, while ReLU and max-pool kinks
     * within the step make them approximate.
     */
    public static SameDiff smoothCnn() {
        Random r = new Random(5);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("image", DataType.FLOAT, -1, 1, SIZE, SIZE);
        SDVariable c1 = sd.cnn.conv2d("conv1", x, weights(sd, "w1", r, 3, 3, 1, 4), conv3x3());
        SDVariable p1 = sd.cnn.avgPooling2d("pool1", sd.math.tanh("tanh1", c1), Pooling2DConfig.builder().kH(2).kW(2)
                .sH(2).sW(2).isNHWC(false).build());
        SDVariable c2 = sd.cnn.conv2d("conv2", p1, weights(sd, "w2", r, 3, 3, 4, 8), conv3x3());
        SDVariable features = sd.nn.sigmoid("features", c2);
        features.mean("gap", 2, 3).mmul(weights(sd, "w3", r, 8, 3)).rename("scores");
        return sd;
    }

    private static Conv2DConfig conv3x3() {
        return Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).paddingMode(PaddingMode.SAME).dataFormat("NCHW")
                .weightsFormat(WeightsFormat.YXIO).build();
    }

    private static SDVariable weights(SameDiff sd, String name, Random r, long... shape) {
        float[] w = new float[(int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.5);
        }
        return sd.var(name, Nd4j.create(w, shape, 'c'));
    }

    /**
     * A graph with a skip connection: {@code y = relu(x W1) W2 + x W3}; the hidden ReLU is bypassed by the skip, so
     * the head after it cannot run without the input.
     */
    public static SameDiff residual() {
        SameDiff sd = SameDiff.create();
        Nd4j.getRandom().setSeed(3);
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 4);
        SDVariable h = sd.nn.relu("hidden", x.mmul(sd.var("w1", Nd4j.randn(DataType.FLOAT, 4, 5))), 0);
        SDVariable main = h.mmul(sd.var("w2", Nd4j.randn(DataType.FLOAT, 5, 3)));
        SDVariable skip = x.mmul(sd.var("w3", Nd4j.randn(DataType.FLOAT, 4, 3)));
        main.add("y", skip);
        return sd;
    }
}
