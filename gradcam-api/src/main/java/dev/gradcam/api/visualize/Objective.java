package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * What an optimisation raises or lowers: one target per image on a model output or layer ({@code output}, null for
 * the first output), whose input gradient one pass gives.
 */
record Objective(DifferentiableModel model, String output, List<Target> targets, boolean maximize) {

    /** The objective per image and its gradient with respect to the batch. */
    record Evaluation(double[] values, FloatTensor gradient) {
    }

    Evaluation evaluate(FloatTensor batch) {
        PassResult r = model.run(PassRequest.builder(batch).output(output).inputGradient(true)
                .seed(Targets.seedFor(targets, batch.shape().intDim(0))).build());
        FloatTensor g = r.inputGradient().orElseThrow(() -> new InvalidInputException("backend '"
                + model.backendName() + "' returned no input gradient although one was requested"));
        return new Evaluation(Targets.scores(targets, r.output()), g);
    }

    double[] values(FloatTensor batch) {
        return Targets.scores(targets, model.run(PassRequest.builder(batch).output(output).build()).output());
    }
}
