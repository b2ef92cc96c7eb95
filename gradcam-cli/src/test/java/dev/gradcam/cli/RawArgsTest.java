package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Options read before picocli, and what they start early: only what the command itself would do. */
class RawArgsTest {

    @Test
    void readsBothFormsTheLastValueAndStopsAtDoubleDash() {
        String[] args = {"explain", "--model", "a.onnx", "-i", "x.png", "--model=b.onnx", "--", "--model", "c.onnx"};
        assertEquals("explain", RawArgs.command(args));
        assertEquals("b.onnx", RawArgs.value(args, "--model", "-m"));
        assertEquals("x.png", RawArgs.value(args, "--input", "-i"));
        assertNull(RawArgs.value(args, "--backend"));
        assertNull(RawArgs.value(new String[] {"explain", "--model"}, "--model"), "no value after the last option");
        assertEquals("", RawArgs.command(new String[0]));
    }

    @Test
    void onnxRuntimeStartsEarlyOnlyForAnOnnxModelOnTheOnnxBackend() {
        assertTrue(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "M.ONNX"}, null));
        assertTrue(OnnxRuntimeStart.wanted(new String[] {"layers", "-m", "m.onnx", "--backend", "onnx"}, null));
        assertTrue(OnnxRuntimeStart.wanted(new String[] {"evaluate", "--model=m.onnx"}, null));
        assertFalse(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "m.onnx", "-b", "nd4j"}, null));
        assertFalse(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "m.onnx"}, "nd4j"));
        assertTrue(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "m.onnx"}, "ONNX"), "the property");
        assertTrue(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "m.onnx", "-b", "onnx"}, "nd4j"),
                "the option over the property, as the command reads them");
        assertFalse(OnnxRuntimeStart.wanted(new String[] {"explain", "--model", "m.zip"}, null));
        assertFalse(OnnxRuntimeStart.wanted(new String[] {"demo", "--out", "o"}, null));
        assertFalse(OnnxRuntimeStart.wanted(new String[] {"--help"}, null));
    }
}
