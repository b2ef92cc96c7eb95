package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.ScoreCam;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code --mask-batch} and {@code --mask-memory}: sizes in binary units, applied to Score-CAM only. */
class MaskBatchOptionsTest {

    private final MaskBatchOptions.ByteSizeConverter sizes = new MaskBatchOptions.ByteSizeConverter();

    @Test
    void sizesAreBytesOrBinaryUnits() {
        assertEquals(1048576L, sizes.convert("1048576"));
        assertEquals(200L << 10, sizes.convert("200k"));
        assertEquals(512L << 20, sizes.convert("512m"));
        assertEquals(512L << 20, sizes.convert("512MiB"));
        assertEquals(8L << 30, sizes.convert(" 8G "));
        assertEquals(2L << 40, sizes.convert("2tb"));
    }

    @Test
    void otherSizesAreRefusedWithTheFormThatWorks() {
        for (String bad : new String[] {"", "lots", "1.5g", "-3m", "8 x", "g"}) {
            TypeConversionException e = assertThrows(TypeConversionException.class, () -> sizes.convert(bad), bad);
            assertTrue(e.getMessage().contains("such as 512m"), e.getMessage());
        }
        assertTrue(assertThrows(TypeConversionException.class, () -> sizes.convert("0")).getMessage()
                .contains("at least 1 byte"));
        assertTrue(assertThrows(TypeConversionException.class, () -> sizes.convert("99999999999t")).getMessage()
                .contains("too large"));
    }

    @Test
    void onlyScoreCamTakesTheSettings() {
        MaskBatchOptions o = new MaskBatchOptions();
        o.maskBatch = 48;
        o.maskMemory = 1L << 30;
        ScoreCam s = (ScoreCam) o.apply(CamMethods.scoreCam());
        assertEquals(48, s.maxBatch());
        assertEquals(1L << 30, s.memoryBudget());
        o.maskMemory = null;
        assertEquals(0, ((ScoreCam) o.apply(CamMethods.scoreCam())).memoryBudget(), "no --mask-memory: no budget");
        CamMethod gradCam = CamMethods.gradCam();
        assertSame(gradCam, o.apply(gradCam));
    }
}
