package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link InMemoryCnn} that accepts any image size, as fully convolutional ONNX models with open spatial axes do:
 * the same weights, one fixed-size model per size met. For DeepDream's octaves.
 */
final class AnySizeCnn implements DifferentiableModel {

    private final int c;
    private final int k;
    private final int m;
    private final double[][] weights;
    private final Map<String, InMemoryCnn> bySize = new ConcurrentHashMap<>();
    private final InMemoryCnn prototype;

    AnySizeCnn(long seed, int channels, int filters, int classes) {
        this.c = channels;
        this.k = filters;
        this.m = classes;
        Random r = new Random(seed);
        weights = new double[][] {new double[k * c * 9], new double[k], new double[m * k], new double[m]};
        double[] scale = {0.5, 0.1, 1.0, 0.1};
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < weights[p].length; i++) {
                weights[p][i] = r.nextGaussian() * scale[p];
            }
        }
        prototype = at(8, 8);
    }

    private InMemoryCnn at(int h, int w) {
        return bySize.computeIfAbsent(h + "x" + w,
                key -> new InMemoryCnn(c, k, m, h, w, weights[0], weights[1], weights[2], weights[3]));
    }

    @Override
    public String backendName() {
        return "in-memory-any-size";
    }

    @Override
    public String executionProvider() {
        return "JVM";
    }

    @Override
    public List<ValueInfo> inputs() {
        return List.of(new ValueInfo("input", Shape.of(Shape.DYNAMIC, c, Shape.DYNAMIC, Shape.DYNAMIC), "float32"));
    }

    @Override
    public List<ValueInfo> outputs() {
        return prototype.outputs();
    }

    @Override
    public List<LayerInfo> layers() {
        return prototype.layers();
    }

    @Override
    public Set<Capability> capabilities() {
        return prototype.capabilities();
    }

    @Override
    public Set<GradientMode> gradientModes() {
        return prototype.gradientModes();
    }

    @Override
    public PassResult run(PassRequest request) {
        Shape s = request.input().shape();
        return at(s.intDim(2), s.intDim(3)).run(request);
    }

    @Override
    public boolean isClosed() {
        return false;
    }

    @Override
    public void close() {
    }
}
