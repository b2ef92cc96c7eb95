package dev.gradcam.nd4j.demo;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.nd4j.internal.NdArrays;
import dev.gradcam.nd4j.internal.Nd4jRuntime;
import dev.gradcam.nd4j.internal.StdoutSilencer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small CNN for {@link ShapesDataset}, built and trained with SameDiff: three blocks of 3x3 convolution and ReLU
 * (8, 16 and 32 channels) with 2x2 max pooling between them, then global average pooling and a dense layer to the
 * logits. The last ReLU ({@value #FEATURES}, 32 channels at a quarter of the image size, receptive field about 18
 * pixels) is the layer to explain: its units see whole objects, so Grad-CAM peaks on the object rather than beside
 * one of its edges, as it does one block earlier.
 *
 * <p>Weights are initialised from a seeded {@link Random}, so training is repeatable on one machine. Stateless.
 */
public final class ShapesCnn {

    /** The input placeholder. */
    public static final String INPUT = "input";
    /** The label placeholder (one-hot), used only for training. */
    public static final String LABELS = "labels";
    /** The last convolutional feature map, the layer Grad-CAM explains. */
    public static final String FEATURES = "features";
    /** The class scores before softmax: the output to explain. */
    public static final String LOGITS = "logits";
    /** The training loss. */
    public static final String LOSS = "loss";

    private static final Logger LOG = LoggerFactory.getLogger(ShapesCnn.class);

    private ShapesCnn() {
    }

    /**
     * Training settings.
     *
     * @param epochs       passes over the training set
     * @param batchSize    images per update
     * @param learningRate Adam's step size
     * @param seed         seed for weights and shuffling
     */
    public record Options(int epochs, int batchSize, double learningRate, long seed) {
        /** Settings that reach over 90% held-out accuracy on 600 images of 32 x 32 in under ten seconds. */
        public static Options defaults() {
            return new Options(6, 64, 0.02, 42);
        }
    }

    /** An untrained network for images of {@code size} x {@code size}, one channel. */
    public static SameDiff build(int size, int classes, long seed) {
        Nd4jRuntime.ensureStarted();
        Random rnd = new Random(seed);
        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder(INPUT, DataType.FLOAT, -1, 1, size, size);
        sd.placeHolder(LABELS, DataType.FLOAT, -1, classes);
        SDVariable c1 = conv(sd, "conv1", in, 1, 8, rnd);
        SDVariable r1 = sd.nn.relu("relu1", c1, 0);
        SDVariable p1 = sd.cnn.maxPooling2d("pool1", r1, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2)
                .isNHWC(false).build());
        SDVariable c2 = conv(sd, "conv2", p1, 8, 16, rnd);
        SDVariable r2 = sd.nn.relu("relu2", c2, 0);
        SDVariable p2 = sd.cnn.maxPooling2d("pool2", r2, Pooling2DConfig.builder().kH(2).kW(2).sH(2).sW(2)
                .isNHWC(false).build());
        SDVariable c3 = conv(sd, "conv3", p2, 16, 32, rnd);
        SDVariable features = sd.nn.relu(FEATURES, c3, 0);
        SDVariable gap = features.mean("gap", 2, 3);
        SDVariable w = sd.var("dense_w", he(rnd, 32, 32, classes));
        SDVariable b = sd.var("dense_b", Nd4j.zeros(DataType.FLOAT, classes));
        gap.mmul(w).add(LOGITS, b);
        return sd;
    }

    /**
     * Trains {@code sd} (built by {@link #build}) on {@code data} and returns it; adds the loss to the graph.
     */
    public static SameDiff train(SameDiff sd, ShapesDataset data, Options options) {
        int classes = ShapesDataset.classes();
        if (!sd.hasVariable(LOSS)) {
            sd.loss.softmaxCrossEntropy(LOSS, sd.getVariable(LABELS), sd.getVariable(LOGITS), null);
        }
        sd.setLossVariables(LOSS);
        sd.setTrainingConfig(new TrainingConfig.Builder()
                .updater(new Adam(options.learningRate()))
                .dataSetFeatureMapping(INPUT)
                .dataSetLabelMapping(LABELS)
                .build());
        Random rnd = new Random(options.seed() + 1);
        int n = data.count();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        long t0 = System.nanoTime();
        for (int epoch = 0; epoch < options.epochs(); epoch++) {
            shuffle(order, rnd);
            for (int from = 0; from < n; from += options.batchSize()) {
                int to = Math.min(n, from + options.batchSize());
                DataSet batch = batch(data, order, from, to, classes);
                // SameDiff prints one line per op to System.out when it first builds its gradient function.
                StdoutSilencer.run(() -> sd.fit(batch));
            }
            LOG.debug("epoch {} done after {} ms", epoch + 1, (System.nanoTime() - t0) / 1_000_000);
        }
        return sd;
    }

    /** Builds and trains a network with {@link Options#defaults()}. */
    public static SameDiff trained(ShapesDataset data) {
        return train(build(data.imageSize(), ShapesDataset.classes(), Options.defaults().seed()), data,
                Options.defaults());
    }

    /** The fraction of {@code data} that {@code sd} classifies correctly. */
    public static double accuracy(SameDiff sd, ShapesDataset data) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(INPUT, NdArrays.toNd(data.images()));
        FloatTensor logits = NdArrays.toTensor(sd.output(feed, List.of(LOGITS)).get(LOGITS));
        int correct = 0;
        for (int i = 0; i < data.count(); i++) {
            if (logits.slice(i).argMax() == data.label(i)) {
                correct++;
            }
        }
        return correct / (double) data.count();
    }

    private static SDVariable conv(SameDiff sd, String name, SDVariable in, int cin, int cout, Random rnd) {
        // YXIO weights ([kH, kW, in, out]): SameDiff's conv2d backward ignores the OIYX layout in M2.1.
        SDVariable w = sd.var(name + "_w", he(rnd, 9 * cin, 3, 3, cin, cout));
        SDVariable b = sd.var(name + "_b", Nd4j.zeros(DataType.FLOAT, cout));
        return sd.cnn.conv2d(name, in, w, b, Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1)
                .paddingMode(PaddingMode.SAME).dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build());
    }

    /** He-normal initial weights from {@code rnd}: N(0, 2 / fanIn). */
    private static INDArray he(Random rnd, int fanIn, long... shape) {
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] w = new float[Math.toIntExact(count)];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * std);
        }
        return Nd4j.create(w, shape, 'c');
    }

    private static DataSet batch(ShapesDataset data, int[] order, int from, int to, int classes) {
        int plane = data.imageSize() * data.imageSize();
        float[] x = new float[(to - from) * plane];
        float[] y = new float[(to - from) * classes];
        FloatTensor all = data.images();
        for (int i = from; i < to; i++) {
            all.slice(order[i]).copyTo(x, (i - from) * plane);
            y[(i - from) * classes + data.label(order[i])] = 1f;
        }
        INDArray features = Nd4j.create(x, new long[] {to - from, 1, data.imageSize(), data.imageSize()}, 'c');
        INDArray labels = Nd4j.create(y, new long[] {to - from, classes}, 'c');
        return new DataSet(features, labels);
    }

    private static void shuffle(int[] a, Random rnd) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
