package dev.gradcam.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FloatTensorTest {

    @Test
    void copiesInAndOut() {
        float[] data = {1, 2, 3, 4, 5, 6};
        FloatTensor t = FloatTensor.of(Shape.of(2, 3), data);
        data[0] = 99;
        assertEquals(1f, t.get(0, 0));
        float[] out = t.toArray();
        out[1] = 99;
        assertEquals(2f, t.get(0, 1));
        assertThrows(java.nio.ReadOnlyBufferException.class, () -> t.buffer().put(0, 5f));
    }

    @Test
    void plusAddsElementWiseIntoANewTensorAndRefusesOtherShapes() {
        FloatTensor a = FloatTensor.of(Shape.of(2, 2), 1, 2, 3, 4);
        FloatTensor rows = FloatTensor.of(Shape.of(2, 2), 10, 20, 30, 40);
        assertArrayEquals(new float[] {11, 22, 33, 44}, a.plus(rows).toArray(), 0f);
        assertArrayEquals(new float[] {1, 2, 3, 4}, a.toArray(), 0f, "operands unchanged");
        assertArrayEquals(new float[] {33, 44}, a.slice(1).plus(rows.slice(1)).toArray(), 0f, "views at an offset");
        assertThrows(InvalidArgumentException.class, () -> a.plus(FloatTensor.of(Shape.of(4), 1, 2, 3, 4)));
    }

    @Test
    void slicesAndReshapesAreViews() {
        FloatTensor t = FloatTensor.of(Shape.of(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        FloatTensor s = t.slice(1);
        assertEquals(Shape.of(2, 2), s.shape());
        assertArrayEquals(new float[] {5, 6, 7, 8}, s.toArray());
        assertEquals(7f, s.get(1, 0));
        assertEquals(Shape.of(4), s.reshape(Shape.of(4)).shape());
        assertEquals(8f, s.reshape(Shape.of(4)).getFlat(3));
        assertEquals(FloatTensor.of(Shape.of(2, 2), 5, 6, 7, 8), s);
    }

    @Test
    void stackConcatAndStatistics() {
        FloatTensor a = FloatTensor.of(Shape.of(2), 1, -2);
        FloatTensor b = FloatTensor.of(Shape.of(2), 3, 4);
        assertEquals(Shape.of(2, 2), FloatTensor.stack(List.of(a, b)).shape());
        assertEquals(Shape.of(4), FloatTensor.concat(List.of(a, b)).shape());
        FloatTensor c = FloatTensor.concat(List.of(a, b));
        assertEquals(-2f, c.min());
        assertEquals(4f, c.max());
        assertEquals(3, c.argMax());
        assertEquals(6.0, c.sum(), 1e-9);
        assertEquals(Math.sqrt(30), c.norm(), 1e-9);
        assertEquals(0.0, c.relativeError(c));
        // ||[6, 8] - [3, 4]|| / ||[3, 4]|| = 5 / 5; against zero, the absolute norm of the difference, 10.
        assertEquals(1.0, FloatTensor.of(Shape.of(2), 6, 8).relativeError(b), 1e-12);
        assertEquals(10.0, FloatTensor.of(Shape.of(2), 6, 8).relativeError(FloatTensor.zeros(Shape.of(2))), 1e-12);
        assertTrue(c.allFinite());
    }

    @Test
    void rejectsMismatchedData() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> FloatTensor.of(Shape.of(2, 2), 1, 2, 3));
        assertTrue(e.getMessage().contains("holds 4 elements but the data has 3"));
        assertThrows(InvalidArgumentException.class, () -> FloatTensor.zeros(Shape.of(-1, 3)));
        assertThrows(IndexOutOfBoundsException.class, () -> FloatTensor.zeros(Shape.of(2)).slice(2));
    }

    @Test
    void shapes() {
        Shape s = Shape.of(-1, 3, 224, 224);
        assertEquals("[?, 3, 224, 224]", s.toString());
        assertTrue(s.accepts(Shape.of(8, 3, 224, 224)));
        assertTrue(!s.accepts(Shape.of(8, 4, 224, 224)));
        assertEquals(224, s.dim(-1));
        assertArrayEquals(new int[] {12, 4, 1}, Shape.of(2, 3, 4).strides());
        assertThrows(IllegalStateException.class, s::size);
        assertThrows(InvalidArgumentException.class, () -> Shape.of(-2));
    }
}
