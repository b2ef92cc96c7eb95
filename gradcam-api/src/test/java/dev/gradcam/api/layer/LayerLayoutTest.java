package dev.gradcam.api.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerLayoutTest {

    private static LayerInfo layer(String op, long... dims) {
        return new LayerInfo("t", "n", op, Shape.of(dims));
    }

    @Test
    void parsesTheCliSpellings() {
        assertNull(LayerLayout.parse("auto"));
        assertEquals(LayerLayout.channelsFirst(), LayerLayout.parse("NCHW"));
        assertEquals(LayerLayout.channelsLast(), LayerLayout.parse("nhwc"));
        assertEquals(LayerLayout.tokens(1), LayerLayout.parse("tokens"));
        assertEquals(LayerLayout.tokens(2), LayerLayout.parse("tokens:2"));
        for (String bad : List.of("tokens:-1", "tokens:x", "hwc", "")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> LayerLayout.parse(bad));
            assertTrue(e.getMessage().contains("tokens:K"), e.getMessage());
        }
    }

    @Test
    void guessesFromShapesAndFindsTheGridOfThePatchEmbedding() {
        LayerInfo patch = layer("Conv", -1, 16, 4, 6);
        List<LayerInfo> all = List.of(patch);
        assertEquals("tokens 2+4x6", LayerLayout.guess(layer("Add", -1, 26, 16), all).describe());
        assertEquals("tokens 1+14x14", LayerLayout.guess(layer("Add", -1, 197, 768), List.of()).describe());
        assertEquals("tokens 0+7x7", LayerLayout.guess(layer("Add", -1, 49, 96), List.of()).describe());
        assertEquals(LayerLayout.Kind.CHANNELS_LAST, LayerLayout.guess(layer("Add", -1, 7, 7, 768), all).kind());
        assertEquals(LayerLayout.Kind.CHANNELS_LAST,
                LayerLayout.guess(layer("LayerNormalization", -1, 7, 7, 7), all).kind());
        assertEquals(LayerLayout.Kind.CHANNELS_FIRST, LayerLayout.guess(layer("Relu", -1, 512, 7, 7), all).kind());
        assertNull(LayerLayout.guess(layer("Gemm", -1, 1000), all));
    }

    @Test
    void tokensGoToChannelsFirstAndBackWithTheirLeadingTokens() {
        // [1, 2 + 2x2, C=3]: token t, channel c holds 10 t + c.
        float[] v = new float[6 * 3];
        for (int t = 0; t < 6; t++) {
            for (int c = 0; c < 3; c++) {
                v[t * 3 + c] = 10 * t + c;
            }
        }
        FloatTensor tokens = FloatTensor.of(Shape.of(1, 6, 3), v);
        LayerLayout l = LayerLayout.tokens(2).complete(layer("Add", -1, 6, 3));
        assertEquals("tokens 2+2x2", l.describe());
        FloatTensor maps = l.toChannelsFirst(tokens);
        assertEquals(Shape.of(1, 3, 2, 2), maps.shape());
        assertArrayEquals(new float[] {20, 30, 40, 50, 21, 31, 41, 51, 22, 32, 42, 52}, maps.toArray());
        assertEquals(tokens, l.fromChannelsFirst(maps, l.leadingTokens(tokens)));

        LayerLayout last = LayerLayout.channelsLast().complete(layer("Add", -1, 2, 3, 3));
        FloatTensor nhwc = FloatTensor.of(Shape.of(1, 2, 3, 3), v);
        assertEquals(Shape.of(1, 3, 2, 3), last.toChannelsFirst(nhwc).shape());
        assertEquals(nhwc, last.fromChannelsFirst(last.toChannelsFirst(nhwc), null));
    }

    @Test
    void gridsKnownOnlyAtRunTimeAreReadFromTheValues() {
        LayerLayout last = LayerLayout.channelsLast().complete(layer("Add", -1, -1, -1, 4));
        assertEquals("nhwc ?", last.describe());
        assertEquals(Shape.of(2, 4, 3, 5), last.toChannelsFirst(FloatTensor.zeros(Shape.of(2, 3, 5, 4))).shape());
        LayerLayout tokens = LayerLayout.tokens(1).complete(layer("Add", -1, -1, 8));
        assertEquals("tokens 1+?", tokens.describe());
        assertEquals(Shape.of(2, 8, 3, 3), tokens.toChannelsFirst(FloatTensor.zeros(Shape.of(2, 10, 8))).shape());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> tokens.toChannelsFirst(FloatTensor.zeros(Shape.of(2, 11, 8))));
        assertTrue(e.getMessage().contains("not a square grid"), e.getMessage());
        assertEquals("nchw ?", LayerLayout.channelsFirst().complete(layer("Conv", -1, 8, -1, -1)).describe());
    }

    @Test
    void aLayoutThatDoesNotFitTheShapeIsAClearError() {
        InvalidInputException grid = assertThrows(InvalidInputException.class,
                () -> LayerLayout.tokens(1).complete(layer("Add", -1, 198, 768)));
        assertTrue(grid.getMessage().contains("197 is not a square grid"), grid.getMessage());
        InvalidInputException rank = assertThrows(InvalidInputException.class,
                () -> LayerLayout.channelsLast().complete(layer("Add", -1, 197, 768)));
        assertTrue(rank.getMessage().contains("rank 4"), rank.getMessage());
    }
}
