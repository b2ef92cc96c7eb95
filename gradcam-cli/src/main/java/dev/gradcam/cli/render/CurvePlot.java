package dev.gradcam.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A line chart of named series over a shared x axis, e.g. deletion curves of several methods: score against the
 * fraction of pixels removed. Needs a font (see {@link Figure}). Immutable once built.
 */
public final class CurvePlot {

    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14),
        new Color(44, 160, 44), new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75),
        new Color(227, 119, 194), new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};
    private static final int WIDTH = 560;
    private static final int HEIGHT = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 48;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final double[] x;
    private final Map<String, double[]> series;

    private CurvePlot(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.x = x.clone();
        this.series = series;
    }

    /** A plot over {@code x}; add series of the same length with {@link Builder#series}. */
    public static Builder builder(String title, String xLabel, String yLabel, double[] x) {
        return new Builder(title, xLabel, yLabel, x);
    }

    /** Renders the chart (560 x 360). */
    public BufferedImage render() {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            double xMin = min(x);
            double xMax = max(x);
            double yMin = Double.POSITIVE_INFINITY;
            double yMax = Double.NEGATIVE_INFINITY;
            for (double[] s : series.values()) {
                yMin = Math.min(yMin, min(s));
                yMax = Math.max(yMax, max(s));
            }
            if (!(yMax > yMin)) {
                yMin -= 0.5;
                yMax += 0.5;
            }
            if (!(xMax > xMin)) {
                xMax = xMin + 1;
            }
            int pw = WIDTH - LEFT - RIGHT;
            int ph = HEIGHT - TOP - BOTTOM;
            g.setColor(new Color(218, 220, 224));
            g.drawRect(LEFT, TOP, pw, ph);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            FontMetrics fm = g.getFontMetrics();
            for (int t = 0; t <= 4; t++) {
                double yv = yMin + (yMax - yMin) * t / 4;
                int py = TOP + ph - (int) Math.round(ph * t / 4.0);
                g.setColor(new Color(235, 236, 238));
                g.drawLine(LEFT + 1, py, LEFT + pw - 1, py);
                g.setColor(Color.DARK_GRAY);
                String label = String.format(Locale.ROOT, "%.3g", yv);
                g.drawString(label, LEFT - 6 - fm.stringWidth(label), py + fm.getAscent() / 2);
                double xv = xMin + (xMax - xMin) * t / 4;
                int px = LEFT + (int) Math.round(pw * t / 4.0);
                String xl = String.format(Locale.ROOT, "%.2g", xv);
                g.drawString(xl, px - fm.stringWidth(xl) / 2, TOP + ph + fm.getHeight() + 2);
            }
            g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 10);
            Graphics2D rotated = (Graphics2D) g.create();
            rotated.rotate(-Math.PI / 2);
            rotated.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 16);
            rotated.dispose();
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            g.setColor(new Color(32, 33, 36));
            g.drawString(title, LEFT, 24);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setStroke(new BasicStroke(2f));
            int k = 0;
            for (Map.Entry<String, double[]> e : series.entrySet()) {
                g.setColor(PALETTE[k % PALETTE.length]);
                double[] s = e.getValue();
                for (int i = 1; i < s.length; i++) {
                    g.drawLine(xPix(x[i - 1], xMin, xMax, pw), yPix(s[i - 1], yMin, yMax, ph),
                            xPix(x[i], xMin, xMax, pw), yPix(s[i], yMin, yMax, ph));
                }
                int ly = TOP + 14 + 18 * k;
                g.drawLine(LEFT + pw + 12, ly - 4, LEFT + pw + 32, ly - 4);
                g.setColor(new Color(32, 33, 36));
                g.drawString(e.getKey(), LEFT + pw + 38, ly);
                k++;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static int xPix(double v, double lo, double hi, int pw) {
        return LEFT + (int) Math.round(pw * (v - lo) / (hi - lo));
    }

    private static int yPix(double v, double lo, double hi, int ph) {
        return TOP + ph - (int) Math.round(ph * (v - lo) / (hi - lo));
    }

    private static double min(double[] a) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : a) {
            if (Double.isFinite(v)) {
                m = Math.min(m, v);
            }
        }
        return m;
    }

    private static double max(double[] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : a) {
            if (Double.isFinite(v)) {
                m = Math.max(m, v);
            }
        }
        return m;
    }

    /** Builds {@link CurvePlot}s. Not thread-safe. */
    public static final class Builder {
        private final String title;
        private final String xLabel;
        private final String yLabel;
        private final double[] x;
        private final Map<String, double[]> series = new LinkedHashMap<>();

        private Builder(String title, String xLabel, String yLabel, double[] x) {
            this.title = Objects.requireNonNull(title, "title");
            this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
            this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
            if (x.length < 2) {
                throw new IllegalArgumentException("a curve needs at least 2 points, got " + x.length);
            }
            this.x = x.clone();
        }

        /** Adds a series with one y per x. */
        public Builder series(String name, double[] y) {
            if (y.length != x.length) {
                throw new IllegalArgumentException("series '" + name + "' has " + y.length + " points, x has "
                        + x.length);
            }
            series.put(name, y.clone());
            return this;
        }

        public CurvePlot build() {
            if (series.isEmpty()) {
                throw new IllegalStateException("a plot needs at least one series");
            }
            return new CurvePlot(title, xLabel, yLabel, x, new LinkedHashMap<>(series));
        }
    }
}
