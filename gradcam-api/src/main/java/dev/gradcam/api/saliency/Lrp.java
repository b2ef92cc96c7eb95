package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Layer-wise relevance propagation (Bach et al. 2015; Montavon et al. 2019): the target's score redistributed
 * backwards, layer by layer, onto the input. The rule for Conv and Gemm layers is an LRP {@link GradientMode}
 * ({@link LrpModes#epsilon}, {@link LrpModes#alphaBeta}, {@link LrpModes#zPlus}), optionally with another rule for
 * the layer that reads the input ({@link LrpModes#zBox}, {@link LrpModes#flat}, {@link LrpModes#wSquare}, or any
 * of the former). The backend implements the rules (see {@link LrpModes} for what it computes).
 *
 * <p>Results hold the relevance at the input as attributions, relevance at the requested taps as
 * {@link Attribution#layerAttributions()}, and per image a conservation check: the input relevance against the
 * relevance at the output ({@code output * seed}, the logit for a class-logit target). Immutable and thread-safe
 * when the model is.
 */
public final class Lrp implements AttributionMethod {

    private final DifferentiableModel model;
    private final GradientMode mode;
    private final List<String> taps;
    private final String output;

    private Lrp(DifferentiableModel model, GradientMode mode, List<String> taps, String output) {
        this.model = model;
        this.mode = mode;
        this.taps = taps;
        this.output = output;
    }

    /** A builder with LRP-epsilon ({@link LrpModes#DEFAULT_EPSILON}) everywhere and no taps. */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    @Override
    public String name() {
        return "lrp";
    }

    @Override
    public DifferentiableModel model() {
        return model;
    }

    /** The gradient mode sent to the backend, input-layer rule included. */
    public GradientMode mode() {
        return mode;
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        int n = Passes.batchOf(images);
        List<Target> ts = Passes.checkTargets(targets, n);
        long t0 = System.nanoTime();
        PassResult r = model.run(PassRequest.builder(images).output(output).taps(taps).mode(mode).inputGradient(true)
                .seed(Targets.seedFor(ts, n)).build());
        FloatTensor relevance = Passes.gradientOf(r, model);
        FloatTensor seed = r.seed().orElseThrow(() -> new InvalidInputException("backend '" + model.backendName()
                + "' returned no seed for an LRP pass"));
        List<Completeness> conservation = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FloatTensor out = r.output().slice(i);
            FloatTensor s = seed.slice(i);
            double atOutput = 0;
            for (int j = 0; j < out.size(); j++) {
                atOutput += (double) out.getFlat(j) * s.getFlat(j);
            }
            conservation.add(new Completeness(relevance.slice(i).sum(), atOutput));
        }
        Map<String, FloatTensor> layers = new LinkedHashMap<>();
        for (String t : taps) {
            layers.put(t, r.gradient(t));
        }
        return new Attribution(name(), relevance, Targets.scores(ts, r.output()), Passes.classes(ts, r.output()),
                Passes.describe(ts), conservation, layers, Passes.provenance(name(), output, model, mode),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Builds {@link Lrp}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private GradientMode rule = LrpModes.epsilon(LrpModes.DEFAULT_EPSILON);
        private GradientMode inputLayerRule;
        private final List<String> taps = new ArrayList<>();
        private String output;

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        /** The rule for every Conv and Gemm layer (default LRP-epsilon with a tiny epsilon). */
        public Builder rule(GradientMode rule) {
            this.rule = InvalidArgumentException.requireNonNull(rule, "rule");
            return this;
        }

        /** The rule for the layer reading the input (default: the same as the others). */
        public Builder inputLayerRule(GradientMode rule) {
            this.inputLayerRule = InvalidArgumentException.requireNonNull(rule, "rule");
            return this;
        }

        /** Layers (names, node names or module paths) whose relevance the results should hold too. */
        public Builder taps(String... layers) {
            for (String l : layers) {
                taps.add(InvalidArgumentException.requireNonNull(l, "layer"));
            }
            return this;
        }

        /** The model output (or, where the backend can, a layer) whose target is explained; default the first. */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws dev.gradcam.api.InvalidArgumentException     if a rule is not an LRP rule, or an input-only rule is the main rule
         * @throws UnsupportedCapabilityException if the backend lacks input gradients or these LRP rules
         * @throws dev.gradcam.api.UnknownLayerException if a tap matches no layer
         */
        public Lrp build() {
            GradientMode mode = inputLayerRule == null ? rule : rule.withInputLayerRule(inputLayerRule);
            LrpModes.validate(mode);
            Passes.requireInputGradient(model, "lrp");
            if (!model.supports(mode)) {
                throw new UnsupportedCapabilityException("LRP rules " + mode.describe(), model.backendName(),
                        "relevance rules are gradient-mode overrides the backend must implement; this one offers "
                                + model.gradientModes());
            }
            List<String> resolved = new ArrayList<>();
            if (!taps.isEmpty() && !model.capabilities().contains(Capability.LAYER_GRADIENTS)) {
                throw new UnsupportedCapabilityException(Capability.LAYER_GRADIENTS, model.backendName(),
                        "relevance at layers needs them; build without taps");
            }
            for (String t : taps) {
                resolved.add(model.resolveLayer(t).name());
            }
            return new Lrp(model, mode, List.copyOf(resolved),
                    output == null ? null : Passes.resolveOutput(model, output, "lrp"));
        }
    }
}
