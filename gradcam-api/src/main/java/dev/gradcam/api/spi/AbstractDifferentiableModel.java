package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.layer.LayerResolver;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base every backend's model extends: it checks each {@link PassRequest} against the model and turns its
 * {@link Seed} into what the backend runs, once for all backends, so that they reject the same requests with the
 * same errors and compute seeds the same way. A backend implements {@link #execute(Pass)}, which receives a checked
 * pass whose seed is either absent, a tensor to feed, or "the top class" (only if {@link #computesTopClass()}).
 *
 * <p>What {@link #run(PassRequest)} checks, in order (each a {@link dev.gradcam.api.GradCamException} subtype naming
 * what would be right): the model is open; the gradient mode is one {@link #supports(GradientMode) supported} (plus
 * {@link #checkMode}); the fed inputs are exactly the model's inputs, each of a shape the declared one
 * {@link Shape#accepts accepts} (hook: {@link #checkInputShape}); the output is a model output or, with
 * {@link Capability#LAYER_OUTPUT}, a layer tensor; every tap is a layer tensor ({@link #isTap}); bias gradients
 * need {@link Capability#BIAS_GRADIENTS}, a seed and a gradient (not LRP) mode; Hessian-vector products need
 * {@link Capability#HESSIAN_PRODUCTS}.
 *
 * <p>How seeds are dispatched: {@link Seed.OfShape} is evaluated at {@link #outputShape(Pass)} (backends override it
 * to avoid the default forward pass) and fed; {@link Seed.TopClass} is computed by the backend's graph when
 * {@link #computesTopClass()}, else like {@link Seed.OfOutput}: a forward pass first, then the seed computed from its
 * output is fed.
 */
public abstract class AbstractDifferentiableModel implements DifferentiableModel {

    /** How the backward pass of a {@link Pass} is seeded. */
    public enum SeedKind {
        /** A forward pass only. */
        NONE,
        /** {@link Pass#seed()} is fed as the output's gradient. */
        FED,
        /** The backend computes a one-hot seed at each row's largest output itself ({@link Seed.TopClass}). */
        TOP_CLASS
    }

    /**
     * A checked pass: the request, the output and taps resolved to tensor names (taps without duplicates), every input
     * fed (the attributed one first), and the seed resolved.
     *
     * @param request        the request as given (mode, input gradient, bias gradients)
     * @param output         the explained tensor: a model output or a layer tensor
     * @param taps           layer tensors whose activations (and gradients) to return, in request order
     * @param feeds          every model input by name, the attributed input first
     * @param seedKind       how the backward pass starts
     * @param seed           the seed to feed for {@link SeedKind#FED}, else null
     */
    public record Pass(PassRequest request, String output, List<String> taps, Map<String, FloatTensor> feeds,
                       SeedKind seedKind, FloatTensor seed) {

        /**
         * Copies the taps and feeds.
         *
         * @throws IllegalArgumentException if a fed seed has no tensor or another kind has one
         */
        public Pass {
            InvalidArgumentException.requireNonNull(request, "request");
            InvalidArgumentException.requireNonNull(output, "output");
            taps = List.copyOf(taps);
            feeds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(feeds));
            InvalidArgumentException.requireNonNull(seedKind, "seedKind");
            if ((seedKind == SeedKind.FED) != (seed != null)) {
                throw new IllegalArgumentException("a fed seed needs a tensor, other kinds none");
            }
        }

        /** The attributed input's name: the first of {@link #feeds()}. */
        public String attributedInput() {
            return feeds.keySet().iterator().next();
        }

        /** The attributed input. */
        public FloatTensor input() {
            return feeds.get(attributedInput());
        }

        /** The gradient mode. */
        public GradientMode mode() {
            return request.mode();
        }

        /** Whether a backward pass runs. */
        public boolean needsBackward() {
            return seedKind != SeedKind.NONE;
        }

        /** Whether the input gradient is returned. */
        public boolean inputGradient() {
            return request.inputGradient();
        }

        /** Whether the bias gradients of every bias layer are returned (checked: the model has bias layers). */
        public boolean biasGradients() {
            return request.biasGradients();
        }

        /** The same pass without taps, bias or input gradients, and no backward pass: the output only. */
        public Pass outputOnly() {
            PassRequest forward = PassRequest.builder(request.input()).inputName(attributedInput())
                    .fixedInputs(fixedInputs()).output(output).mode(request.mode()).build();
            return new Pass(forward, output, List.of(), feeds, SeedKind.NONE, null);
        }

        /** The same pass seeded with {@code seed}. */
        Pass fed(FloatTensor seed) {
            return new Pass(request, output, taps, feeds, SeedKind.FED, seed);
        }

        private Pass withKind(SeedKind kind) {
            return new Pass(request, output, taps, feeds, kind, null);
        }

        private Map<String, FloatTensor> fixedInputs() {
            Map<String, FloatTensor> fixed = new LinkedHashMap<>(feeds);
            fixed.remove(attributedInput());
            return fixed;
        }
    }

    /** For subclasses. */
    protected AbstractDifferentiableModel() {
    }

    /**
     * Checks the request, resolves its seed and runs it through {@link #execute(Pass)}.
     *
     * @throws ResourceClosedException         if the model is closed
     * @throws UnsupportedCapabilityException  for a gradient mode or capability the model lacks
     * @throws UnknownOutputException          for an output that is neither a model output nor a layer tensor
     * @throws UnknownLayerException           for a tap that is not a layer tensor
     * @throws InvalidInputException           for inputs that are missing, unknown or of the wrong shape
     */
    @Override
    public PassResult run(PassRequest request) {
        return dispatch(check(request));
    }

    /** Runs a checked pass; its seed kind says how the backward pass starts. */
    protected abstract PassResult execute(Pass pass);

    /**
     * The output's shape for this pass's inputs, where {@link Seed.OfShape} seeds are evaluated. The default runs the
     * forward pass; backends that know shapes without running (shape inference, a cache) override it.
     */
    protected Shape outputShape(Pass pass) {
        return execute(pass.outputOnly()).output().shape();
    }

    /** Whether {@link #execute} computes {@link SeedKind#TOP_CLASS} seeds itself; default false. */
    protected boolean computesTopClass() {
        return false;
    }

    /** Whether {@code name} may be tapped; default: it names one of {@link #layers()}. */
    protected boolean isTap(String name) {
        return layers().stream().anyMatch(l -> l.name().equals(name));
    }

    /**
     * What a refusal of {@link PassRequest#hessianProducts()} tells the user, for a model without
     * {@link Capability#HESSIAN_PRODUCTS}; backends name where second order is available.
     */
    protected String hessianProductsHint() {
        return "this backend computes first-order gradients only";
    }

    /**
     * Backend-specific checks of a mode {@link #supports(GradientMode) supported} by family (its parameters, say);
     * default none.
     */
    protected void checkMode(GradientMode mode) {
    }

    /**
     * Checks one fed input against its declared shape; default: the declared shape must {@link Shape#accepts accept}
     * it.
     *
     * @throws InvalidInputException naming the input, both shapes and the first axis that differs
     */
    protected void checkInputShape(String name, Shape declared, Shape given) {
        if (declared.accepts(given)) {
            return;
        }
        String why;
        if (declared.rank() != given.rank()) {
            why = "rank " + given.rank() + ", the model takes rank " + declared.rank();
        } else {
            int axis = 0;
            while (declared.dim(axis) < 0 || declared.dim(axis) == given.dim(axis)) {
                axis++;
            }
            why = "axis " + axis + " is " + given.dim(axis) + ", the model takes " + declared.dim(axis);
        }
        throw new InvalidInputException("input '" + name + "' of shape " + given + " does not fit the model's "
                + declared + ": " + why);
    }

    /**
     * The request checked against this model, with its seed still to resolve ({@link SeedKind#NONE} for forward
     * passes; {@link #run} resolves the rest).
     */
    protected final Pass check(PassRequest request) {
        InvalidArgumentException.requireNonNull(request, "request");
        if (isClosed()) {
            throw new ResourceClosedException(toString());
        }
        GradientMode mode = request.mode();
        if (!supports(mode)) {
            throw new UnsupportedCapabilityException("gradient mode '" + mode + "'", backendName(),
                    "supported modes: " + gradientModes());
        }
        checkMode(mode);
        Map<String, FloatTensor> feeds = feeds(request);
        String output = output(request.output().orElse(null));
        List<String> taps = taps(request.taps());
        if (request.biasGradients()) {
            checkBiasGradients(request);
        }
        if (request.hessianProducts() && !capabilities().contains(Capability.HESSIAN_PRODUCTS)) {
            throw new UnsupportedCapabilityException(Capability.HESSIAN_PRODUCTS, backendName(),
                    hessianProductsHint());
        }
        return new Pass(request, output, taps, feeds, SeedKind.NONE, null);
    }

    /** Resolves the request's seed and runs the pass. */
    protected final PassResult dispatch(Pass pass) {
        Seed seed = pass.request().seed().orElse(null);
        if (seed == null) {
            return execute(pass);
        }
        if (seed instanceof Seed.OfShape s) {
            return execute(pass.fed(s.forShape(outputShape(pass))));
        }
        if (seed instanceof Seed.TopClass && computesTopClass()) {
            return execute(pass.withKind(SeedKind.TOP_CLASS));
        }
        // The seed depends on the output values: a forward pass first, then the gradient pass.
        FloatTensor out = execute(pass.outputOnly()).output();
        return execute(pass.fed(seed.resolve(out)));
    }

    /**
     * The model's inputs fed by a request, the attributed input first.
     *
     * @throws InvalidInputException naming unknown inputs, inputs not given, or a shape that does not fit
     */
    private Map<String, FloatTensor> feeds(PassRequest request) {
        List<ValueInfo> declared = inputs();
        List<String> names = declared.stream().map(ValueInfo::name).toList();
        String attributed = request.inputName().orElse(names.get(0));
        Map<String, FloatTensor> feeds = new LinkedHashMap<>();
        feeds.put(attributed, request.input());
        feeds.putAll(request.fixedInputs());
        List<String> unknown = feeds.keySet().stream().filter(n -> !names.contains(n)).toList();
        List<String> missing = names.stream().filter(n -> !feeds.containsKey(n)).toList();
        if (!unknown.isEmpty() || !missing.isEmpty()) {
            throw new InvalidInputException("the model's inputs are " + names + "; "
                    + (unknown.isEmpty() ? "" : "unknown: " + unknown + (missing.isEmpty() ? "" : "; "))
                    + (missing.isEmpty() ? "" : "not given: " + missing + " (feed every input: the attributed one "
                    + "as the input, the others as fixed inputs)"));
        }
        for (ValueInfo in : declared) {
            checkInputShape(in.name(), in.shape(), feeds.get(in.name()).shape());
        }
        return feeds;
    }

    /** A model output or, as {@link Capability#LAYER_OUTPUT} allows, any layer tensor; null is the first output. */
    private String output(String requested) {
        List<String> outputs = outputs().stream().map(ValueInfo::name).toList();
        if (requested == null) {
            return outputs.get(0);
        }
        if (outputs.contains(requested)) {
            return requested;
        }
        if (isTap(requested)) {
            if (!capabilities().contains(Capability.LAYER_OUTPUT)) {
                throw new UnsupportedCapabilityException(Capability.LAYER_OUTPUT, backendName(),
                        "'" + requested + "' is a layer, not a model output " + outputs);
            }
            return requested;
        }
        throw new UnknownOutputException("unknown output '" + requested + "': neither a model output " + outputs
                + " nor a layer tensor (LayerInfo.name(); resolve queries with resolveLayer first); nearest layers: "
                + LayerResolver.nearest(layers(), requested, 5));
    }

    private List<String> taps(List<String> requested) {
        List<String> taps = new ArrayList<>();
        for (String t : requested) {
            if (!isTap(t)) {
                throw new UnknownLayerException(t, LayerResolver.nearest(layers(), t, 5),
                        "taps are tensor names as listed by layers(); resolve names with resolveLayer first");
            }
            if (!taps.contains(t)) {
                taps.add(t);
            }
        }
        return taps;
    }

    private void checkBiasGradients(PassRequest request) {
        if (!capabilities().contains(Capability.BIAS_GRADIENTS)) {
            throw new UnsupportedCapabilityException(Capability.BIAS_GRADIENTS, backendName(),
                    "this model has no bias layer (a 2-D convolution with a constant bias, or a 2-D batch "
                            + "normalisation)");
        }
        if (!request.needsBackward()) {
            throw new InvalidInputException("bias gradients need a seed (a target); the pass has none");
        }
        if (request.mode().isLrp()) {
            throw new InvalidInputException("bias gradients (FullGrad) are gradients, and an LRP mode ("
                    + request.mode().describe() + ") returns relevance; ask for them in a gradient mode");
        }
    }
}
