package dev.gradcam.nd4j;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.DifferentiableModelContract;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.nd4j.demo.ShapesCnn;
import org.junit.jupiter.api.Nested;

/** The backend contract on SameDiff CNNs built in code. */
class SameDiffModelContractTest {

    /** A smooth CNN: every check at the contract's own tolerances. */
    @Nested
    class SmoothCnn implements DifferentiableModelContract {
        @Override
        public DifferentiableModel createModel() {
            return SameDiffModel.of(TestGraphs.smoothCnn());
        }

        @Override
        public FloatTensor sampleInput(int n) {
            return TestGraphs.images(n, 11);
        }

        @Override
        public String tapLayer() {
            return "features";
        }
    }

    /** The demo's ReLU / max-pool CNN. */
    @Nested
    class ReluCnn implements DifferentiableModelContract {
        @Override
        public DifferentiableModel createModel() {
            return TestGraphs.cnnModel();
        }

        @Override
        public FloatTensor sampleInput(int n) {
            return TestGraphs.images(n, 11);
        }

        @Override
        public String tapLayer() {
            return ShapesCnn.FEATURES;
        }

    }
}
