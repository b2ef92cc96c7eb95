package dev.gradcam.spark;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.image.ChannelOrder;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import java.io.Serializable;

/**
 * A {@link Preprocessing} in a form Spark can ship to executors ({@code Preprocessing} itself is not serializable:
 * the API module stays free of such concerns).
 */
record PreprocessingSpec(int width, int height, int shorterSide, int cropWidth, int cropHeight,
                         ChannelOrder channelOrder, TensorLayout layout, boolean grayscale, float divisor,
                         float[] mean, float[] std) implements Serializable {

    private static final long serialVersionUID = 1L;

    static PreprocessingSpec of(Preprocessing p) {
        InvalidArgumentException.requireNonNull(p, "preprocessing");
        return new PreprocessingSpec(p.width(), p.height(), p.shorterSide(), p.cropWidth(), p.cropHeight(),
                p.channelOrder(), p.layout(), p.grayscale(), p.divisor(), p.mean(), p.std());
    }

    /** The same preprocessing, rebuilt on the executor. */
    Preprocessing toPreprocessing() {
        Preprocessing.Builder b = Preprocessing.builder().channelOrder(channelOrder).layout(layout)
                .grayscale(grayscale).divideBy(divisor).mean(mean).std(std);
        if (width > 0) {
            b.resize(width, height);
        } else if (shorterSide > 0) {
            b.resizeShorterSide(shorterSide);
        }
        if (cropWidth > 0) {
            b.centerCrop(cropWidth, cropHeight);
        }
        return b.build();
    }
}
