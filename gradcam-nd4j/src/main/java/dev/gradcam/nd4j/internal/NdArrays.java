package dev.gradcam.nd4j.internal;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Copies between the API's {@link FloatTensor} and ND4J's {@link INDArray}. Stateless and thread-safe. */
public final class NdArrays {

    private NdArrays() {
    }

    /** A new C-order float32 array holding a copy of {@code t}. */
    public static INDArray toNd(FloatTensor t) {
        return Nd4j.create(t.toArray(), t.shape().dims(), 'c');
    }

    /**
     * A tensor holding a copy of {@code a} in row-major order, cast to float32 if needed. The copy is taken at once
     * because SameDiff may reuse the memory of its results in the next pass.
     */
    public static FloatTensor toTensor(INDArray a) {
        INDArray f = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        INDArray c = f.ordering() == 'c' && !f.isView() && f.data().length() == f.length() ? f : f.dup('c');
        return FloatTensor.wrapOwned(Shape.of(c.shape()), c.data().asFloat());
    }

    /** The shape of {@code a}. */
    public static Shape shapeOf(INDArray a) {
        return Shape.of(a.shape());
    }
}
