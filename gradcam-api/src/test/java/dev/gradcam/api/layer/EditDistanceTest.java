package dev.gradcam.api.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import java.util.List;
import org.junit.jupiter.api.Test;

class EditDistanceTest {

    @Test
    void countsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, EditDistance.levenshtein("abc", "abc"));
        assertEquals(1, EditDistance.levenshtein("layer4", "layer5"));
        assertEquals(3, EditDistance.levenshtein("", "abc"));
        assertEquals(3, EditDistance.levenshtein("abc", ""));
        assertEquals(1, EditDistance.levenshtein("gradcam", "grad-cam"));
        assertEquals(3, EditDistance.levenshtein("kitten", "sitting"));
    }

    @Test
    void isCaseSensitive() {
        assertEquals(1, EditDistance.levenshtein("Layer4", "layer4"));
    }

    @Test
    void rejectsNull() {
        assertThrows(InvalidArgumentException.class, () -> EditDistance.levenshtein(null, "a"));
        assertThrows(InvalidArgumentException.class, () -> EditDistance.levenshtein("a", null));
    }

    @Test
    void nearestFindsCloseOrContainingNamesClosestFirst() {
        assertEquals(List.of("grad-cam"), EditDistance.nearest("gradcam", List.of("grad-cam", "hires-cam"), 1));
        assertEquals(List.of("xgrad-cam", "grad-cam"), EditDistance.nearest("XGradCam",
                List.of("grad-cam", "xgrad-cam", "score-cam"), 3));
        assertEquals(List.of("layer4.1.conv2"), EditDistance.nearest("conv2", List.of("layer4.1.conv2", "fc"), 3));
        assertEquals(List.of(), EditDistance.nearest("eigen", List.of("grad-cam"), 3));
    }
}
