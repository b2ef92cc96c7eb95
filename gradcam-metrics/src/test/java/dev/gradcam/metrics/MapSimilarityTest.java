package dev.gradcam.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Spearman, SSIM and HOG similarity against scipy.stats.spearmanr, skimage.metrics.structural_similarity and
 * skimage.feature.hog (make_similarity_fixtures.py, float64), to 1e-4.
 */
class MapSimilarityTest {

    private static final int[][] PAIRS = {{0, 1}, {0, 2}, {1, 2}};

    @Test
    void matchesScipyAndScikitImage() throws Exception {
        Path dir = Path.of(MapSimilarityTest.class.getResource("/dev/gradcam/metrics").toURI());
        FloatTensor maps = Npy.read(dir.resolve("similarity_maps.npy"));
        List<String> lines = Files.readAllLines(dir.resolve("similarity_expected.txt"));
        for (String line : lines) {
            String[] p = line.split(" ");
            double[] expected = Arrays.stream(p, 1, p.length).mapToDouble(Double::parseDouble).toArray();
            for (int k = 0; k < PAIRS.length; k++) {
                FloatTensor a = maps.slice(PAIRS[k][0]);
                FloatTensor b = maps.slice(PAIRS[k][1]);
                double got = switch (p[0]) {
                    case "spearman" -> MapSimilarity.spearman(a, b);
                    case "ssim" -> MapSimilarity.ssim(a, b, 1);
                    case "hog" -> MapSimilarity.hog(a, b);
                    default -> throw new IllegalStateException(p[0]);
                };
                assertEquals(expected[k], got, 1e-4, p[0] + " of maps " + Arrays.toString(PAIRS[k]));
            }
        }
    }

    @Test
    void identicalMapsAreFullySimilar() throws Exception {
        Path dir = Path.of(MapSimilarityTest.class.getResource("/dev/gradcam/metrics").toURI());
        FloatTensor a = Npy.read(dir.resolve("similarity_maps.npy")).slice(0);
        assertEquals(1, MapSimilarity.spearman(a, a), 1e-12);
        assertEquals(1, MapSimilarity.ssim(a, a, 1), 1e-12);
        assertEquals(1, MapSimilarity.hog(a, a), 1e-12);
        assertEquals(6 * 81, MapSimilarity.hogFeatures(a).length, "40x32: 5x4 cells, 3x2 blocks of 3x3x9");
    }

    @Test
    void ranksShareTies() {
        assertTrue(Arrays.equals(new double[] {2.5, 1, 2.5, 4}, MapSimilarity.ranks(new float[] {3, 1, 3, 7})));
    }

    @Test
    void tooSmallOrMismatchedMapsAreNamed() {
        FloatTensor small = FloatTensor.zeros(Shape.of(16, 16));
        assertThrows(InvalidInputException.class, () -> MapSimilarity.hog(small, small));
        assertThrows(InvalidInputException.class, () -> MapSimilarity.ssim(FloatTensor.zeros(Shape.of(5, 5)),
                FloatTensor.zeros(Shape.of(5, 5)), 1));
        assertThrows(InvalidInputException.class, () -> MapSimilarity.spearman(small,
                FloatTensor.zeros(Shape.of(16, 15))));
    }
}
