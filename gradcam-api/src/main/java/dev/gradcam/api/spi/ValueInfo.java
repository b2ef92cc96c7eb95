package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.Shape;

/**
 * A named model input or output.
 *
 * @param name        the tensor name
 * @param shape       its shape, with {@link Shape#DYNAMIC} for sizes known only at run time
 * @param elementType element type as the model declares it, e.g. {@code float32}
 */
public record ValueInfo(String name, Shape shape, String elementType) {
    public ValueInfo {
        InvalidArgumentException.requireNonNull(name, "name");
        InvalidArgumentException.requireNonNull(shape, "shape");
        InvalidArgumentException.requireNonNull(elementType, "elementType");
    }
}
