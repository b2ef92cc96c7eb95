package dev.gradcam.onnx.runtime;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Passes for models whose input fixes the batch size (many exports fix it to 1, some to 4 or 8): a batch of any
 * size runs in parts of exactly that size, the last one padded with copies of its last image, and the padding's
 * results are dropped. Seeds are computed on the joined outputs, so targets see the batch as given; padding rows
 * get a zero seed.
 */
final class FixedBatch {

    private FixedBatch() {
    }

    /**
     * Runs {@code request} ([N, ...], N not the fixed batch) in parts of {@code batch} images.
     *
     * @param pass runs one pass on an input of exactly {@code batch} images
     */
    static PassResult run(PassRequest request, int batch, Function<PassRequest, PassResult> pass) {
        FloatTensor input = request.input();
        int n = input.shape().intDim(0);
        checkPadding(input, batch);
        String output = request.output().orElse(null);
        FloatTensor seed = null;
        if (request.seed().isPresent()) {
            List<FloatTensor> outs = new ArrayList<>();
            for (int start = 0; start < n; start += batch) {
                int count = Math.min(batch, n - start);
                FloatTensor out = pass.apply(PassRequest.builder(padded(input, start, count, batch, false))
                        .output(output).build()).output();
                outs.add(rows(out, 0, count));
            }
            seed = request.seed().get().resolve(FloatTensor.concat(outs));
        }
        List<PassResult> parts = new ArrayList<>();
        for (int start = 0; start < n; start += batch) {
            int count = Math.min(batch, n - start);
            PassRequest.Builder b = request.toBuilder().input(padded(input, start, count, batch, false));
            if (seed != null) {
                FloatTensor part = padded(seed, start, count, batch, true);
                b.seed(new Seed.OfShape(s -> part.reshape(s)));
            }
            parts.add(trimmed(pass.apply(b.build()), count));
        }
        return Unbatched.combine(parts, request, seed, name -> true, true, true);
    }

    /**
     * Applies a per-batch function ({@code f(a, b)}, {@code b} may be null) to [N, ...] tensors in parts of
     * {@code batch} rows, padding the last, and joins the results without the padding's rows.
     */
    static FloatTensor map(FloatTensor a, FloatTensor b, int batch,
                           java.util.function.BinaryOperator<FloatTensor> f) {
        int n = a.shape().intDim(0);
        checkPadding(a, batch);
        List<FloatTensor> outs = new ArrayList<>();
        for (int start = 0; start < n; start += batch) {
            int count = Math.min(batch, n - start);
            FloatTensor out = f.apply(padded(a, start, count, batch, false),
                    b == null ? null : padded(b, start, count, batch, false));
            outs.add(rows(out, 0, count));
        }
        return FloatTensor.concat(outs);
    }

    /**
     * Refuses a fixed batch whose padded part would not fit in memory (a file declaring a batch of 65,536 given one
     * image), before anything is allocated.
     */
    private static void checkPadding(FloatTensor t, int batch) {
        long perRow = t.size() / Math.max(1, t.shape().dim(0));
        long bytes = (long) batch * perRow * Float.BYTES;
        if (bytes > Runtime.getRuntime().maxMemory() / 8) {
            throw new InvalidInputException("the model's input fixes the batch to " + batch + " images; padding "
                    + t.shape().dim(0) + " to that many would take " + bytes / (1 << 20) + " MB. Give batches of "
                    + "exactly " + batch + " images, or export the model with a dynamic batch axis");
        }
    }

    /** Rows [start, start + count) of {@code t}, padded to {@code batch} rows with zeros or copies of the last. */
    private static FloatTensor padded(FloatTensor t, int start, int count, int batch, boolean zeros) {
        List<FloatTensor> rows = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            FloatTensor row = t.slice(start + Math.min(i, count - 1));
            rows.add(i < count || !zeros ? row : FloatTensor.zeros(row.shape()));
        }
        return FloatTensor.stack(rows);
    }

    private static FloatTensor rows(FloatTensor t, int start, int count) {
        List<FloatTensor> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            rows.add(t.slice(start + i));
        }
        return FloatTensor.stack(rows);
    }

    private static PassResult trimmed(PassResult r, int count) {
        Map<String, FloatTensor> acts = new LinkedHashMap<>();
        r.activations().forEach((k, v) -> acts.put(k, rows(v, 0, count)));
        Map<String, FloatTensor> grads = new LinkedHashMap<>();
        r.gradients().forEach((k, v) -> grads.put(k, rows(v, 0, count)));
        List<BiasGradient> bias = new ArrayList<>();
        for (BiasGradient b : r.biasGradients()) {
            bias.add(new BiasGradient(b.layer(), b.bias(), rows(b.gradient(), 0, count)));
        }
        return new PassResult(rows(r.output(), 0, count), acts, grads,
                r.inputGradient().map(g -> rows(g, 0, count)).orElse(null), null, bias);
    }
}
