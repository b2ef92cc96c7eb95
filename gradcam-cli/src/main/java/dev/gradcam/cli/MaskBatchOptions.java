package dev.gradcam.cli;

import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.ScoreCam;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.TypeConversionException;

/** How Score-CAM batches its masked images: {@code --mask-batch} and {@code --mask-memory}. */
final class MaskBatchOptions {

    /** The options, for warnings where the method ignores them. */
    static final List<String> NAMES = List.of("--mask-batch", "--mask-memory");

    @Option(names = "--mask-batch", paramLabel = "N", defaultValue = "" + ScoreCam.DEFAULT_MAX_BATCH,
            description = "score-cam: at most N masked images per forward pass (default: ${DEFAULT-VALUE}, as "
                    + "pytorch-grad-cam).")
    int maskBatch;

    @Option(names = "--mask-memory", paramLabel = "SIZE", converter = ByteSizeConverter.class,
            description = "score-cam: size each batch of masked images to SIZE of memory (the masked images and the "
                    + "model's intermediate values for each), e.g. 512m or 8g, at most --mask-batch images; raise "
                    + "--mask-batch with it on a GPU.")
    Long maskMemory;

    /** Rejects a {@code --mask-batch} below 1 as a usage error. */
    void validate(CommandSpec spec) {
        if (maskBatch < 1) {
            throw new ParameterException(spec.commandLine(), "--mask-batch must be at least 1, got " + maskBatch);
        }
    }

    /** {@code method} with these settings where it is Score-CAM, else {@code method} itself. */
    CamMethod apply(CamMethod method) {
        if (!(method instanceof ScoreCam score)) {
            return method;
        }
        return score.withMaxBatch(maskBatch).withMemoryBudget(maskMemory == null ? 0 : maskMemory);
    }

    /** A size in bytes: a whole number with an optional binary unit, k, m, g or t (KiB ... TiB); at least 1 byte. */
    static final class ByteSizeConverter implements ITypeConverter<Long> {

        private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([kmgt]?)(?:i?b)?");

        @Override
        public Long convert(String value) {
            Matcher m = SIZE.matcher(value.strip().toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new TypeConversionException("use a size such as 512m, 8g or 1048576 (bytes), not '" + value
                        + "'");
            }
            String unit = m.group(2);
            int shift = unit.isEmpty() ? 0 : 10 * ("kmgt".indexOf(unit) + 1);
            try {
                long bytes = Math.multiplyExact(Long.parseLong(m.group(1)), 1L << shift);
                if (bytes < 1) {
                    throw new TypeConversionException("a size must be at least 1 byte, not '" + value + "'");
                }
                return bytes;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException("size '" + value + "' is too large");
            }
        }
    }
}
