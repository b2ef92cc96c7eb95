package dev.gradcam.cli.demo;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * Renders the demo's input images with Java2D: dark words on a light background, upright or turned upside down, for
 * the PaddleOCR text-direction classifier and text detector.
 *
 * <p>Deterministic: the same text, size and JDK give the same pixels (fixed font, fixed rendering hints, no
 * randomness). Headless; needs a font, as any Java2D text does (on Linux: fontconfig and a font such as
 * {@code fonts-dejavu-core}). Stateless and thread-safe.
 */
public final class DemoImages {

    /** The classifier's input width. */
    public static final int LINE_WIDTH = 192;
    /** The classifier's input height. */
    public static final int LINE_HEIGHT = 48;
    /** The word shown on the classifier's text lines. */
    public static final String LINE_TEXT = "Grad-CAM";

    private static final Color PAPER = new Color(246, 244, 238);
    private static final Color INK = new Color(24, 24, 32);

    private DemoImages() {
    }

    /** A {@value #LINE_WIDTH} x {@value #LINE_HEIGHT} text line reading {@value #LINE_TEXT}, upright. */
    public static BufferedImage upright() {
        return textLine(LINE_TEXT, LINE_WIDTH, LINE_HEIGHT, false);
    }

    /** The same text line turned by 180 degrees. */
    public static BufferedImage upsideDown() {
        return textLine(LINE_TEXT, LINE_WIDTH, LINE_HEIGHT, true);
    }

    /** The upright and the upside-down text line, in that order. */
    public static List<BufferedImage> linePair() {
        return List.of(upright(), upsideDown());
    }

    /**
     * A text line: {@code text} in a bold sans-serif font sized to fill the image, centred.
     *
     * @param upsideDown whether the whole image is turned by 180 degrees
     * @throws IllegalArgumentException if the size is not positive or the text is blank
     */
    public static BufferedImage textLine(String text, int width, int height, boolean upsideDown) {
        Objects.requireNonNull(text, "text");
        if (text.isBlank()) {
            throw new IllegalArgumentException("text must not be blank");
        }
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, upsideDown);
        Font font = fitted(g, text, width * 0.92, height * 0.78);
        drawCentred(g, text, font, width / 2.0, height / 2.0);
        g.dispose();
        return image;
    }

    /**
     * A small "page" for the text detector: a title, two lines of text and a picture-like block that is not text,
     * {@code width x height} (use multiples of 32, as the detector expects).
     *
     * @throws IllegalArgumentException if the page is smaller than 128 x 96
     */
    public static BufferedImage page(int width, int height, boolean upsideDown) {
        if (width < 128 || height < 96) {
            throw new IllegalArgumentException("a page needs at least 128x96 pixels, got " + width + "x" + height);
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, upsideDown);
        double margin = width * 0.06;
        double column = width * 0.58;
        Font title = fitted(g, "Grad-CAM", column, height * 0.22);
        drawLeft(g, "Grad-CAM", title, margin, height * 0.24);
        Font body = fitted(g, "explains ONNX", column, height * 0.13);
        drawLeft(g, "explains ONNX", body, margin, height * 0.55);
        drawLeft(g, "models in Java", body, margin, height * 0.78);

        // A framed "photo" on the right: shapes, no text, which the detector should ignore.
        int bx = (int) (width * 0.70);
        int by = (int) (height * 0.18);
        int bw = (int) (width * 0.24);
        int bh = (int) (height * 0.64);
        g.setColor(new Color(120, 160, 200));
        g.fillRect(bx, by, bw, bh);
        g.setColor(new Color(240, 200, 80));
        g.fillOval(bx + bw / 8, by + bh / 8, bw / 3, bw / 3);
        g.setColor(new Color(70, 120, 70));
        g.fillPolygon(new int[] {bx, bx + bw / 2, bx + bw}, new int[] {by + bh, by + bh / 2, by + bh}, 3);
        g.setColor(INK);
        g.setStroke(new BasicStroke(2f));
        g.drawRect(bx, by, bw, bh);
        g.dispose();
        return image;
    }

    private static Graphics2D start(BufferedImage image, boolean upsideDown) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(PAPER);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        if (upsideDown) {
            g.transform(AffineTransform.getRotateInstance(Math.PI, image.getWidth() / 2.0, image.getHeight() / 2.0));
        }
        g.setColor(INK);
        return g;
    }

    /** The largest bold sans-serif font whose rendering of {@code text} fits {@code maxWidth x maxHeight}. */
    private static Font fitted(Graphics2D g, String text, double maxWidth, double maxHeight) {
        Font base = new Font(Font.SANS_SERIF, Font.BOLD, 100);
        FontMetrics m = g.getFontMetrics(base);
        double w = m.getStringBounds(text, g).getWidth();
        double h = m.getAscent() + m.getDescent() * 0.5;
        float size = (float) (100 * Math.min(maxWidth / w, maxHeight / h));
        return base.deriveFont(Math.max(size, 4f));
    }

    private static void drawCentred(Graphics2D g, String text, Font font, double cx, double cy) {
        g.setFont(font);
        FontMetrics m = g.getFontMetrics();
        float x = (float) (cx - m.getStringBounds(text, g).getWidth() / 2);
        float y = (float) (cy + (m.getAscent() - m.getDescent()) / 2.0);
        g.drawString(text, x, y);
    }

    private static void drawLeft(Graphics2D g, String text, Font font, double x, double baseline) {
        g.setFont(font);
        g.drawString(text, (float) x, (float) baseline);
    }
}
