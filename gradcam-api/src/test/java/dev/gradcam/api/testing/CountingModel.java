package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Wraps a model and records every call: the batch size of each full pass and of each head pass, so tests can check
 * memory bounds ("never more than B masked images at once") and costs ("the backbone ran once"). Capabilities can be
 * narrowed to test the errors of methods that need more. Thread-safe recording.
 */
public final class CountingModel extends ForwardingModel {

    private final Set<Capability> capabilities;
    private final List<Integer> runBatches = Collections.synchronizedList(new ArrayList<>());
    private final List<Integer> headBatches = Collections.synchronizedList(new ArrayList<>());

    public CountingModel(DifferentiableModel inner) {
        this(inner, inner.capabilities());
    }

    public CountingModel(DifferentiableModel inner, Set<Capability> capabilities) {
        super(inner);
        this.capabilities = Set.copyOf(capabilities);
    }

    /** Batch sizes of {@link #run} calls, in order. */
    public List<Integer> runBatches() {
        return List.copyOf(runBatches);
    }

    /** Batch sizes of {@link #runHead} calls, in order. */
    public List<Integer> headBatches() {
        return List.copyOf(headBatches);
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public PassResult run(PassRequest request) {
        runBatches.add(request.input().shape().intDim(0));
        return inner.run(request);
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        if (!capabilities.contains(Capability.HEAD_EXECUTION)) {
            // ForwardingModel leaves runHead alone, so this is the interface's refusal, not the wrapped model's head.
            return super.runHead(layer, activations, output);
        }
        headBatches.add(activations.shape().intDim(0));
        return inner.runHead(layer, activations, output);
    }
}
