package dev.gradcam.api;

import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A view of a model with several inputs as a model of one: the attributed input is the input every method sees
 * and attributes to; the others are fed fixed values in every pass. See {@link Models#withFixedInputs}.
 */
final class FixedInputsModel implements DifferentiableModel {

    private final DifferentiableModel model;
    private final String attributed;
    private final Map<String, FloatTensor> fixed;
    private final List<ValueInfo> inputs;
    private final AtomicBoolean closed = new AtomicBoolean();

    FixedInputsModel(DifferentiableModel model, String attributed, Map<String, FloatTensor> fixed) {
        this.model = InvalidArgumentException.requireNonNull(model, "model");
        this.attributed = InvalidArgumentException.requireNonNull(attributed, "attributed");
        this.fixed = Map.copyOf(fixed);
        List<String> names = model.inputs().stream().map(ValueInfo::name).toList();
        if (!names.contains(attributed)) {
            throw new InvalidInputException("no input named '" + attributed + "' to attribute to; the model's inputs "
                    + "are " + names);
        }
        if (fixed.containsKey(attributed)) {
            throw new InvalidInputException("input '" + attributed + "' is attributed to, so it cannot also be fixed");
        }
        List<String> missing = names.stream().filter(n -> !n.equals(attributed) && !fixed.containsKey(n)).toList();
        List<String> unknown = fixed.keySet().stream().filter(n -> !names.contains(n)).sorted().toList();
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw new InvalidInputException("the model's inputs are " + names + "; attributing to '" + attributed
                    + "' needs a fixed value for every other input"
                    + (missing.isEmpty() ? "" : "; missing: " + missing)
                    + (unknown.isEmpty() ? "" : "; not inputs of the model: " + unknown));
        }
        for (Map.Entry<String, FloatTensor> e : fixed.entrySet()) {
            if (e.getValue().shape().rank() < 1 || e.getValue().shape().dim(0) < 1) {
                throw new InvalidInputException("fixed input '" + e.getKey() + "' needs a batch axis, got shape "
                        + e.getValue().shape());
            }
        }
        List<ValueInfo> in = new ArrayList<>();
        model.inputs().stream().filter(v -> v.name().equals(attributed)).forEach(in::add);
        this.inputs = List.copyOf(in);
    }

    @Override
    public PassResult run(PassRequest request) {
        ensureOpen();
        int n = request.input().shape().intDim(0);
        Map<String, FloatTensor> feeds = new LinkedHashMap<>(request.fixedInputs());
        fixed.forEach((name, value) -> feeds.put(name, batchOf(name, value, n)));
        return model.run(request.toBuilder().inputName(attributed).fixedInputs(feeds).build());
    }

    /**
     * The fixed value for a batch of {@code n}: as given when its batch is {@code n}, repeated when it is 1 (methods
     * that perturb one image run many copies at once).
     */
    private static FloatTensor batchOf(String name, FloatTensor value, int n) {
        int b = value.shape().intDim(0);
        if (b == n) {
            return value;
        }
        if (b != 1) {
            throw new InvalidInputException("fixed input '" + name + "' has a batch of " + b + " but the pass has " + n
                    + " images; give it a batch of 1 (used for every image) or of the same size, and explain such "
                    + "models with methods that keep the batch, or one image at a time");
        }
        List<FloatTensor> copies = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            copies.add(value.slice(0));
        }
        return FloatTensor.stack(copies);
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        ensureOpen();
        return model.runHead(layer, activations, output);
    }

    @Override
    public String backendName() {
        return model.backendName();
    }

    @Override
    public String executionProvider() {
        return model.executionProvider();
    }

    /** The attributed input only: the others are bound. */
    @Override
    public List<ValueInfo> inputs() {
        return inputs;
    }

    @Override
    public List<ValueInfo> outputs() {
        return model.outputs();
    }

    @Override
    public List<LayerInfo> layers() {
        return model.layers();
    }

    @Override
    public Set<Capability> capabilities() {
        return model.capabilities();
    }

    @Override
    public Set<GradientMode> gradientModes() {
        return model.gradientModes();
    }

    @Override
    public LayerInfo resolveLayer(String query) {
        return model.resolveLayer(query);
    }

    @Override
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>(model.provenance());
        p.put("attributedInput", attributed);
        p.put("fixedInputs", String.join(", ", fixed.keySet().stream().sorted().toList()));
        return p;
    }

    @Override
    public boolean isClosed() {
        return closed.get() || model.isClosed();
    }

    /** Closes this view only; the underlying model stays open (its owner closes it). */
    @Override
    public void close() {
        closed.set(true);
    }

    private void ensureOpen() {
        if (isClosed()) {
            throw new ResourceClosedException("view of " + model + " attributing to '" + attributed + "'");
        }
    }

    @Override
    public String toString() {
        return "FixedInputs[" + model + ", attributing to " + attributed + ", fixed " + fixed.keySet() + "]";
    }
}
