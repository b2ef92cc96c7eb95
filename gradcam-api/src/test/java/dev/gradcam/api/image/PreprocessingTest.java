package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreprocessingTest {

    @Test
    void presetsHoldTheirValues() {
        Preprocessing imagenet = Preprocessing.imagenet();
        assertEquals(255f, imagenet.divisor());
        assertArrayEquals(new float[] {0.485f, 0.456f, 0.406f}, imagenet.mean());
        assertArrayEquals(new float[] {0.229f, 0.224f, 0.225f}, imagenet.std());
        assertEquals(ChannelOrder.RGB, imagenet.channelOrder());
        assertEquals(TensorLayout.NCHW, imagenet.layout());
        assertEquals(0, imagenet.width());
        assertEquals(-1f, Preprocessing.minusOneToOne().normalise(0, 0f));
        assertEquals(1f, Preprocessing.minusOneToOne().normalise(2, 255f));
        assertEquals(1f, Preprocessing.zeroToOne().normalise(1, 255f));
        assertEquals(255f, Preprocessing.raw().normalise(1, 255f));
    }

    @Test
    void derivedSettingsKeepTheRest() {
        Preprocessing p = Preprocessing.imagenet().withSize(224, 224).withChannelOrder(ChannelOrder.BGR)
                .withLayout(TensorLayout.NHWC);
        assertEquals(224, p.width());
        assertEquals(224, p.height());
        assertEquals(ChannelOrder.BGR, p.channelOrder());
        assertEquals(TensorLayout.NHWC, p.layout());
        assertArrayEquals(Preprocessing.imagenet().mean(), p.mean());
        assertEquals(p, p.toBuilder().build());
        assertNotEquals(p, Preprocessing.imagenet());
        Preprocessing classic = Preprocessing.imagenet().toBuilder()
                .resizeShorterSide(256).centerCrop(224, 224).build();
        assertEquals(256, classic.shorterSide());
        assertEquals(0, classic.width());
        assertEquals("Preprocessing[shorter side 256, centre crop 224x224, RGB, NCHW, (x / 255.0 - [0.485, 0.456, "
                + "0.406]) / [0.229, 0.224, 0.225]]", classic.toString());
    }

    @Test
    void denormaliseInvertsNormalise() {
        Preprocessing p = Preprocessing.imagenet();
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v += 17) {
                assertEquals(v, p.denormalise(c, p.normalise(c, v)), 1e-4f);
            }
        }
    }

    @Test
    void buildRejectsContradictions() {
        InvalidArgumentException grey = assertThrows(InvalidArgumentException.class,
                () -> Preprocessing.imagenet().toBuilder().grayscale(true).build());
        assertTrue(grey.getMessage().contains("mean has 3 values [0.485, 0.456, 0.406] but the tensor has 1 (grey) "
                + "channel; give 1 value or 1"), grey.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Preprocessing.builder().mean(1f, 2f).build());
        InvalidArgumentException std = assertThrows(InvalidArgumentException.class,
                () -> Preprocessing.builder().std(0f).build());
        assertTrue(std.getMessage().contains("positive"), std.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Preprocessing.builder().resize(0, 3));
        assertThrows(InvalidArgumentException.class, () -> Preprocessing.builder().divideBy(-1f));
        // A single mean/std works for grey and colour alike.
        assertEquals(1, Preprocessing.minusOneToOne().toBuilder().grayscale(true).build().channels());
    }
}
