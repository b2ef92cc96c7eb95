package dev.gradcam.onnx.runtime;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Passes for models whose input has no batch axis, such as torchvision's detectors ([3, H, W]): the API's batch
 * [N, C, H, W] is run one image at a time and the results stacked again. A result tensor gets a leading axis of 1
 * unless the graph already gives it one (inner feature maps usually do: convolutions need a batch axis); the input
 * gradient always gets one. Seeds are computed on the stacked outputs, so targets see the batch as usual.
 */
final class Unbatched {

    private Unbatched() {
    }

    /**
     * Whether a declared input shape lacks a batch axis: rank 3 with a static leading 3 or 4 (RGB or RGBA channels),
     * the layout of torchvision's detection models.
     */
    static boolean lacksBatchAxis(Shape declared) {
        return declared.rank() == 3 && (declared.dim(0) == 3 || declared.dim(0) == 4);
    }

    /**
     * Runs {@code request} image by image.
     *
     * @param single       runs one pass on a graph-shaped input ([C, H, W])
     * @param hasBatchAxis whether a named result tensor of the graph already has a leading axis of 1
     */
    static PassResult run(PassRequest request, Function<PassRequest, PassResult> single,
                          Predicate<String> hasBatchAxis) {
        FloatTensor input = request.input();
        int n = input.shape().intDim(0);
        String output = request.output().orElse(null);
        Predicate<String> outputBatched = name -> hasBatchAxis.test(name == null ? "" : name);
        FloatTensor seed = null;
        FloatTensor stackedOutput = null;
        if (request.seed().isPresent()) {
            // Targets see the stacked batch, so compute the seed on it, then feed each image its slice.
            List<FloatTensor> outs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                outs.add(single.apply(PassRequest.builder(input.slice(i)).output(output).build()).output());
            }
            FloatTensor stacked = stack(outs, outputBatched.test(output), "output");
            seed = request.seed().get().resolve(stacked);
            stackedOutput = stacked;
        }
        List<PassResult> parts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PassRequest.Builder b = request.toBuilder().input(input.slice(i));
            if (seed != null) {
                FloatTensor slice = seed.slice(i);
                Seed whole = request.seed().get();
                if (request.hessianProducts() && !whole.isLinear()) {
                    // Second order needs the target's curvature too: image i's part of the batch's.
                    int image = i;
                    FloatTensor out = stackedOutput;
                    b.seed(new Seed.OfOutput(o -> slice.reshape(o.shape()), (o, dir) ->
                            whole.curvature(out, onlyImage(out.shape(), image, dir)).slice(image).reshape(o.shape())));
                } else {
                    b.seed(new Seed.OfShape(s -> slice.reshape(s)));
                }
            }
            parts.add(single.apply(b.build()));
        }
        return combine(parts, request, seed, hasBatchAxis, outputBatched.test(output), false);
    }

    /**
     * Joins the results of consecutive parts of one batch.
     *
     * @param hasBatchAxis   whether a tap's per-part tensors are concatenated (else stacked along a new axis)
     * @param inputBatched   whether per-part input gradients are concatenated (else stacked)
     */
    static PassResult combine(List<PassResult> parts, PassRequest request, FloatTensor seed,
                              Predicate<String> hasBatchAxis, boolean outputBatched, boolean inputBatched) {
        FloatTensor output = stack(parts.stream().map(PassResult::output).toList(), outputBatched, "output");
        Map<String, FloatTensor> acts = new LinkedHashMap<>();
        Map<String, FloatTensor> grads = new LinkedHashMap<>();
        for (String tap : parts.get(0).activations().keySet()) {
            acts.put(tap, stack(parts.stream().map(p -> p.activation(tap)).toList(), hasBatchAxis.test(tap), tap));
        }
        for (String tap : parts.get(0).gradients().keySet()) {
            grads.put(tap, stack(parts.stream().map(p -> p.gradient(tap)).toList(), hasBatchAxis.test(tap), tap));
        }
        FloatTensor inputGradient = null;
        if (request.inputGradient()) {
            inputGradient = stack(parts.stream().map(p -> p.inputGradient().orElseThrow()).toList(), inputBatched,
                    "input gradient");
        }
        List<BiasGradient> bias = new ArrayList<>();
        List<BiasGradient> first = parts.get(0).biasGradients();
        for (int k = 0; k < first.size(); k++) {
            int index = k;
            BiasGradient b = first.get(k);
            bias.add(new BiasGradient(b.layer(), b.bias(), stack(parts.stream()
                    .map(p -> p.biasGradients().get(index).gradient()).toList(), true, b.layer())));
        }
        PassResult result = new PassResult(output, acts, grads, inputGradient, seed, bias);
        Map<String, FloatTensor> products = new LinkedHashMap<>();
        for (String tap : parts.get(0).hessianProducts().keySet()) {
            products.put(tap, stack(parts.stream().map(p -> p.hessianProducts().get(tap)).toList(),
                    hasBatchAxis.test(tap), tap));
        }
        return products.isEmpty() ? result : result.withHessianProducts(products);
    }

    /** A batch-shaped tensor that is zero except image {@code i}, which holds {@code values}. */
    private static FloatTensor onlyImage(Shape batch, int i, FloatTensor values) {
        float[] data = new float[batch.size()];
        int per = data.length / batch.intDim(0);
        System.arraycopy(values.toArray(), 0, data, i * per, per);
        return FloatTensor.wrapOwned(batch, data);
    }

    /** Stacks per-image tensors along a new axis, or concatenates them along an existing batch axis of 1. */
    private static FloatTensor stack(List<FloatTensor> parts, boolean batched, String what) {
        try {
            return batched ? FloatTensor.concat(parts) : FloatTensor.stack(parts);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("the images of this batch give '" + what + "' tensors of different shapes ("
                    + parts.stream().map(FloatTensor::shape).toList() + "), which cannot form one batch; explain them "
                    + "one at a time", e);
        }
    }
}
