package dev.gradcam.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** Decodes the images a report inlines as data URIs. */
final class ReportImages {

    private static final Pattern IMG = Pattern.compile("<img [^>]*src=\"([^\"]*)\"");

    private ReportImages() {
    }

    /** Every {@code <img>} of the page, decoded; fails on one that is not an inlined, readable PNG. */
    static List<BufferedImage> decodeAll(String html) {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            String src = m.group(1);
            if (!src.startsWith("data:image/png;base64,")) {
                throw new AssertionError("image not inlined as a PNG data URI: " + src.substring(0,
                        Math.min(60, src.length())));
            }
            try {
                BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(
                        src.substring("data:image/png;base64,".length()))));
                if (img == null) {
                    throw new AssertionError("an inlined image is not a readable PNG");
                }
                out.add(img);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }
}
