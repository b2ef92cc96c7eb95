package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.spi.AbstractDifferentiableModel;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A pure-Java CNN with analytic gradients, for testing the pipeline without a backend: conv 3x3 (pad 1) -> ReLU ->
 * global average pool -> linear. Layer names follow PyTorch's exporter ({@code /conv/Conv} ...), so module paths
 * resolve as on real models. Gradients are derived by hand (see {@link #execute}); guided and deconvnet modes change
 * only the ReLU rule; the LRP modes follow {@link LrpModes} (see {@link InMemoryLrp}). Any layer may be the explained
 * output ({@link Capability#LAYER_OUTPUT}). Its one 2-D bias layer, the convolution, reports {@link BiasGradient}s for
 * FullGrad ({@link Capability#BIAS_GRADIENTS}). Thread-safe: no mutable state besides the closed flag.
 */
public final class InMemoryCnn extends AbstractDifferentiableModel {

    public static final String CONV = "/conv/Conv_output_0";
    public static final String RELU = "/relu/Relu_output_0";
    public static final String POOL = "/pool/GlobalAveragePool_output_0";
    public static final String LOGITS = "logits";
    private static final List<String> ORDER = List.of(CONV, RELU, POOL, LOGITS);

    private final int c;
    private final int k;
    private final int m;
    private final int h;
    private final int w;
    private final double[] convW; // [K, C, 3, 3]
    private final double[] convB; // [K]
    private final double[] fcW;   // [M, K]
    private final double[] fcB;   // [M]
    private final InMemoryLrp lrp;
    private volatile boolean closed;

    /**
     * @param channels input channels C; {@code filters} K; {@code classes} M; input size {@code height} x {@code width}
     */
    public InMemoryCnn(int channels, int filters, int classes, int height, int width,
                       double[] convW, double[] convB, double[] fcW, double[] fcB) {
        this.c = channels;
        this.k = filters;
        this.m = classes;
        this.h = height;
        this.w = width;
        if (convW.length != k * c * 9 || convB.length != k || fcW.length != m * k || fcB.length != m) {
            throw new IllegalArgumentException("weight sizes do not match C=" + c + " K=" + k + " M=" + m);
        }
        this.convW = convW.clone();
        this.convB = convB.clone();
        this.fcW = fcW.clone();
        this.fcB = fcB.clone();
        this.lrp = new InMemoryLrp(c, k, m, h, w, this.convW, this.fcW);
    }

    /** A model with seeded random weights. */
    public static InMemoryCnn random(long seed, int channels, int filters, int classes, int height, int width) {
        Random r = new Random(seed);
        return new InMemoryCnn(channels, filters, classes, height, width,
                gaussian(r, filters * channels * 9, 0.5), gaussian(r, filters, 0.1),
                gaussian(r, classes * filters, 1.0), gaussian(r, classes, 0.1));
    }

    /** A seeded random input batch [n, C, H, W]. */
    public FloatTensor randomInput(long seed, int n) {
        Random r = new Random(seed);
        float[] x = new float[n * c * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, c, h, w), x);
    }

    private static double[] gaussian(Random r, int n, double scale) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = r.nextGaussian() * scale;
        }
        return d;
    }

    @Override
    public String backendName() {
        return "in-memory";
    }

    @Override
    public String executionProvider() {
        checkOpen();
        return "JVM";
    }

    @Override
    public List<ValueInfo> inputs() {
        checkOpen();
        return List.of(new ValueInfo("input", Shape.of(Shape.DYNAMIC, c, h, w), "float32"));
    }

    @Override
    public List<ValueInfo> outputs() {
        checkOpen();
        return List.of(new ValueInfo(LOGITS, Shape.of(Shape.DYNAMIC, m), "float32"));
    }

    @Override
    public List<LayerInfo> layers() {
        checkOpen();
        return List.of(
                new LayerInfo(CONV, "/conv/Conv", "Conv", Shape.of(Shape.DYNAMIC, k, h, w)),
                new LayerInfo(RELU, "/relu/Relu", "Relu", Shape.of(Shape.DYNAMIC, k, h, w)),
                new LayerInfo(POOL, "/pool/GlobalAveragePool", "GlobalAveragePool", Shape.of(Shape.DYNAMIC, k, 1, 1)),
                new LayerInfo(LOGITS, "/fc/Gemm", "Gemm", Shape.of(Shape.DYNAMIC, m)));
    }

    @Override
    public Set<Capability> capabilities() {
        checkOpen();
        return Set.of(Capability.LAYER_GRADIENTS, Capability.INPUT_GRADIENT, Capability.HEAD_EXECUTION,
                Capability.LAYER_OUTPUT, Capability.BIAS_GRADIENTS);
    }

    @Override
    public Set<GradientMode> gradientModes() {
        checkOpen();
        Set<GradientMode> modes = new LinkedHashSet<>(
                List.of(GradientMode.STANDARD, GradientMode.GUIDED, GradientMode.DECONVNET));
        modes.addAll(LrpModes.all());
        return Set.copyOf(modes);
    }

    /** LRP modes carry parameters: checked here, beyond the family check of the base class. */
    @Override
    protected void checkMode(GradientMode mode) {
        if (mode.isLrp()) {
            try {
                LrpModes.validate(mode);
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(e.getMessage(), e);
            }
        }
    }

    @Override
    protected PassResult execute(Pass pass) {
        PassRequest req = pass.request();
        String outName = pass.output();
        FloatTensor x = pass.input();
        int n = x.shape().intDim(0);
        double[] conv = conv(x, n);
        double[] relu = new double[conv.length];
        for (int i = 0; i < conv.length; i++) {
            relu[i] = Math.max(conv[i], 0);
        }
        double[] pool = pool(relu, n);
        double[] logits = fc(pool, n);
        Map<String, double[]> values = Map.of(CONV, conv, RELU, relu, POOL, pool, LOGITS, logits);
        FloatTensor out = tensor(values.get(outName), shapeOf(outName, n));

        Map<String, FloatTensor> acts = new LinkedHashMap<>();
        for (String tap : pass.taps()) {
            acts.put(tap, tensor(values.get(tap), shapeOf(tap, n)));
        }
        if (!pass.needsBackward()) {
            return new PassResult(out, acts, Map.of(), null, null);
        }
        FloatTensor seed = pass.seed();
        int start = ORDER.indexOf(outName);
        double[] s = toDouble(seed);
        Map<String, double[]> grads;
        double[] gx;
        if (req.mode().isLrp()) {
            InMemoryLrp.Relevance r = lrp.relevance(req.mode(), n, toDouble(x), conv, relu, pool, logits, s, start);
            grads = Map.of(CONV, r.conv(), RELU, r.relu(), POOL, r.pool(), LOGITS, r.logits());
            gx = r.input();
        } else {
            // Backward by hand from the output layer: logits = fcW pool + fcB; pool = mean(relu); relu = max(conv, 0);
            // conv = convW * x + b. Layers after the output get zero gradients.
            double[] gLogits = start == 3 ? s : new double[n * m];
            double[] gPool = start == 2 ? s : start > 2 ? fcBackward(gLogits, n) : new double[n * k];
            double[] gRelu = start == 1 ? s : start > 1 ? poolBackward(gPool) : new double[n * k * h * w];
            double[] gConv = new double[gRelu.length];
            for (int i = 0; i < gConv.length; i++) {
                gConv[i] = start == 0 ? s[i] : reluBackward(req.mode(), conv[i], gRelu[i]);
            }
            grads = Map.of(CONV, gConv, RELU, gRelu, POOL, gPool, LOGITS, gLogits);
            gx = req.inputGradient() ? convBackward(gConv, n) : null;
        }
        Map<String, FloatTensor> gradients = new LinkedHashMap<>();
        for (String tap : pass.taps()) {
            gradients.put(tap, tensor(grads.get(tap), shapeOf(tap, n)));
        }
        // FullGrad's bias layers: the conv is the only 2-D one (the classifier's bias is 1-D, as in FullGrad's code).
        List<BiasGradient> biases = req.biasGradients() && !req.mode().isLrp()
                ? List.of(new BiasGradient(CONV, tensor(convB, Shape.of(k)), tensor(grads.get(CONV), shapeOf(CONV, n))))
                : List.of();
        return new PassResult(out, acts, gradients, req.inputGradient() ? tensor(gx, x.shape()) : null, seed, biases);
    }

    private double[] fcBackward(double[] gLogits, int n) {
        double[] gPool = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                for (int q = 0; q < k; q++) {
                    gPool[i * k + q] += gLogits[i * m + j] * fcW[j * k + q];
                }
            }
        }
        return gPool;
    }

    private double[] poolBackward(double[] gPool) {
        double[] gRelu = new double[gPool.length * h * w];
        for (int i = 0; i < gRelu.length; i++) {
            gRelu[i] = gPool[i / (h * w)] / (h * w);
        }
        return gRelu;
    }

    /** A copy of this model with channel {@code q}'s filter and bias zeroed: its conv and ReLU maps k are all 0. */
    public InMemoryCnn withFilterZeroed(int q) {
        double[] cw = convW.clone();
        double[] cb = convB.clone();
        java.util.Arrays.fill(cw, q * c * 9, (q + 1) * c * 9, 0);
        cb[q] = 0;
        return new InMemoryCnn(c, k, m, h, w, cw, cb, fcW, fcB);
    }

    /** The classifier bias of class {@code j} (FullGrad's completeness leaves it out: it is not a 2-D bias). */
    public double classifierBias(int j) {
        return fcB[j];
    }

    private static double reluBackward(GradientMode mode, double in, double g) {
        if (mode.equals(GradientMode.GUIDED)) {
            return in > 0 && g > 0 ? g : 0;
        }
        if (mode.equals(GradientMode.DECONVNET)) {
            return Math.max(g, 0);
        }
        return in > 0 ? g : 0;
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        checkOpen();
        checkTap(layer);
        int n = activations.shape().intDim(0);
        if (!activations.shape().equals(shapeOf(layer, n))) {
            throw new InvalidInputException("activations for " + layer + " must be " + shapeOf(layer, n) + ", got "
                    + activations.shape());
        }
        double[] a = toDouble(activations);
        double[] logits = switch (layer) {
            case CONV -> {
                double[] r = new double[a.length];
                for (int i = 0; i < a.length; i++) {
                    r[i] = Math.max(a[i], 0);
                }
                yield fc(pool(r, n), n);
            }
            case RELU -> fc(pool(a, n), n);
            case POOL -> fc(a, n);
            default -> a;
        };
        return tensor(logits, Shape.of(n, m));
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
    }

    private void checkOpen() {
        if (closed) {
            throw new ResourceClosedException("InMemoryCnn");
        }
    }

    private String checkTap(String tap) {
        if (!List.of(CONV, RELU, POOL, LOGITS).contains(tap)) {
            throw new InvalidInputException("unknown tap '" + tap + "'");
        }
        return tap;
    }

    private Shape shapeOf(String tap, int n) {
        return switch (tap) {
            case CONV, RELU -> Shape.of(n, k, h, w);
            case POOL -> Shape.of(n, k, 1, 1);
            default -> Shape.of(n, m);
        };
    }

    private double[] conv(FloatTensor x, int n) {
        double[] out = new double[n * k * h * w];
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < k; q++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double s = convB[q];
                        for (int ch = 0; ch < c; ch++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dx = 0; dx < 3; dx++) {
                                    int yy = y + dy - 1;
                                    int xs = xx + dx - 1;
                                    if (yy >= 0 && yy < h && xs >= 0 && xs < w) {
                                        s += convW[((q * c + ch) * 3 + dy) * 3 + dx]
                                                * x.getFlat(((i * c + ch) * h + yy) * w + xs);
                                    }
                                }
                            }
                        }
                        out[((i * k + q) * h + y) * w + xx] = s;
                    }
                }
            }
        }
        return out;
    }

    private double[] convBackward(double[] gConv, int n) {
        double[] gx = new double[n * c * h * w];
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < k; q++) {
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < w; xx++) {
                        double g = gConv[((i * k + q) * h + y) * w + xx];
                        for (int ch = 0; ch < c; ch++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dx = 0; dx < 3; dx++) {
                                    int yy = y + dy - 1;
                                    int xs = xx + dx - 1;
                                    if (yy >= 0 && yy < h && xs >= 0 && xs < w) {
                                        gx[((i * c + ch) * h + yy) * w + xs] +=
                                                g * convW[((q * c + ch) * 3 + dy) * 3 + dx];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return gx;
    }

    private double[] pool(double[] relu, int n) {
        double[] out = new double[n * k];
        for (int i = 0; i < n * k; i++) {
            double s = 0;
            for (int j = 0; j < h * w; j++) {
                s += relu[i * h * w + j];
            }
            out[i] = s / (h * w);
        }
        return out;
    }

    private double[] fc(double[] pool, int n) {
        double[] out = new double[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                double s = fcB[j];
                for (int q = 0; q < k; q++) {
                    s += fcW[j * k + q] * pool[i * k + q];
                }
                out[i * m + j] = s;
            }
        }
        return out;
    }

    private static FloatTensor tensor(double[] d, Shape s) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return FloatTensor.wrapOwned(s, f);
    }

    private static double[] toDouble(FloatTensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getFlat(i);
        }
        return d;
    }
}
