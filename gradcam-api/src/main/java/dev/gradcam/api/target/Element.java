package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * One element of an image's output, by its index along every axis (or one flat index): e.g. attribute 7 of box
 * 1234 of a detector's raw [boxes, attributes] output. Linear in the output.
 */
final class Element implements Target {

    private final int[] index;

    Element(int[] index) {
        if (index.length == 0) {
            throw new InvalidArgumentException("an element target needs at least one index");
        }
        for (int i : index) {
            if (i < 0) {
                throw new InvalidArgumentException("element indices must be >= 0, got " + Arrays.toString(index));
            }
        }
        this.index = index.clone();
    }

    @Override
    public double score(FloatTensor output) {
        return output.getFlat(flat(output.shape()));
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        float[] g = new float[output.size()];
        g[flat(output.shape())] = 1f;
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return false;
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return output.shape().rank() == 1 ? OptionalInt.of(flat(output.shape())) : OptionalInt.empty();
    }

    @Override
    public String describe() {
        return "element" + Arrays.toString(index);
    }

    /** The flat offset of the element in an output of shape {@code s}. */
    int flat(Shape s) {
        if (index.length == 1) {
            if (index[0] >= s.size()) {
                throw new InvalidInputException("element index " + index[0] + " is out of range: the output of one "
                        + "image has " + s.size() + " elements (shape " + s + ")");
            }
            return index[0];
        }
        if (index.length != s.rank()) {
            throw new InvalidInputException("element " + Arrays.toString(index) + " has " + index.length
                    + " indices, but the output of one image has shape " + s + " (give " + s.rank()
                    + " indices, or one flat index)");
        }
        int flat = 0;
        for (int a = 0; a < index.length; a++) {
            if (index[a] >= s.dim(a)) {
                throw new InvalidInputException("element " + Arrays.toString(index) + " is out of range on axis " + a
                        + " of the output of one image, shape " + s);
            }
            flat = flat * s.intDim(a) + index[a];
        }
        return flat;
    }
}
