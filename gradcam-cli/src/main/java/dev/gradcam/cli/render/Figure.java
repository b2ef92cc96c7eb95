package dev.gradcam.cli.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A picture made of captioned panels in a grid, under a title: how the examples lay out heatmaps side by side.
 *
 * <pre>{@code
 * BufferedImage png = Figure.builder().title("Grad-CAM").columns(3).scale(2)
 *         .panel(image, "input", "")
 *         .panel(overlay, "grad-cam", "12 ms")
 *         .build().render();
 * }</pre>
 *
 * <p>Panels are scaled by the same factor (bilinear) and centred in cells as large as the largest panel. Text uses
 * Java2D's logical sans-serif font, so a headless JVM needs a font installed (on Linux: fontconfig and e.g.
 * {@code fonts-dejavu-core}). Immutable.
 */
public final class Figure {

    private static final Color BACKGROUND = Color.WHITE;
    private static final Color TEXT = new Color(32, 33, 36);
    private static final Color DETAIL = new Color(95, 99, 104);
    private static final Color FRAME = new Color(218, 220, 224);
    private static final int GAP = 14;
    private static final int MARGIN = 18;

    private final String title;
    private final String subtitle;
    private final int columns;
    private final double scale;
    private final List<Panel> panels;

    private Figure(Builder b) {
        this.title = b.title;
        this.subtitle = b.subtitle;
        this.columns = b.columns;
        this.scale = b.scale;
        this.panels = List.copyOf(b.panels);
    }

    /**
     * One cell: an image with a caption and a detail line under it.
     *
     * @param image   the picture
     * @param caption bold text under it (may be empty)
     * @param detail  smaller grey text under the caption (may be empty)
     */
    public record Panel(BufferedImage image, String caption, String detail) {
        public Panel {
            Objects.requireNonNull(image, "image");
            caption = caption == null ? "" : caption;
            detail = detail == null ? "" : detail;
        }
    }

    /** A builder: no title, as many columns as panels, scale 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** The panels, in order. */
    public List<Panel> panels() {
        return panels;
    }

    /** Draws the figure. */
    public BufferedImage render() {
        int cols = columns > 0 ? Math.min(columns, panels.size()) : panels.size();
        int rows = (panels.size() + cols - 1) / cols;
        int cellW = 0;
        int cellH = 0;
        for (Panel p : panels) {
            cellW = Math.max(cellW, scaled(p.image().getWidth()));
            cellH = Math.max(cellH, scaled(p.image().getHeight()));
        }
        Font titleFont = new Font(Font.SANS_SERIF, Font.BOLD, 22);
        Font subtitleFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font captionFont = new Font(Font.SANS_SERIF, Font.BOLD, 15);
        Font detailFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);

        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        int titleH = title.isEmpty() ? 0 : pg.getFontMetrics(titleFont).getHeight() + 4;
        int subtitleH = subtitle.isEmpty() ? 0 : pg.getFontMetrics(subtitleFont).getHeight();
        int captionH = pg.getFontMetrics(captionFont).getHeight();
        int detailH = pg.getFontMetrics(detailFont).getHeight();
        int textW = cellW;
        for (Panel p : panels) {
            textW = Math.max(textW, pg.getFontMetrics(captionFont).stringWidth(p.caption()));
            textW = Math.max(textW, pg.getFontMetrics(detailFont).stringWidth(p.detail()));
        }
        int headerW = 2 * MARGIN + Math.max(pg.getFontMetrics(titleFont).stringWidth(title),
                pg.getFontMetrics(subtitleFont).stringWidth(subtitle));
        pg.dispose();
        cellW = textW;

        int header = titleH + subtitleH + (titleH + subtitleH > 0 ? GAP : 0);
        int rowH = cellH + 6 + captionH + detailH;
        int width = Math.max(2 * MARGIN + cols * cellW + (cols - 1) * GAP, headerW);
        int height = 2 * MARGIN + header + rows * rowH + (rows - 1) * GAP;

        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, width, height);

        int y = MARGIN;
        if (!title.isEmpty()) {
            g.setFont(titleFont);
            g.setColor(TEXT);
            y += g.getFontMetrics().getAscent();
            g.drawString(title, MARGIN, y);
            y += g.getFontMetrics().getDescent() + 4;
        }
        if (!subtitle.isEmpty()) {
            g.setFont(subtitleFont);
            g.setColor(DETAIL);
            y += g.getFontMetrics().getAscent();
            g.drawString(subtitle, MARGIN, y);
            y += g.getFontMetrics().getDescent();
        }
        int top = MARGIN + header;
        for (int i = 0; i < panels.size(); i++) {
            Panel p = panels.get(i);
            int cx = MARGIN + (i % cols) * (cellW + GAP);
            int cy = top + (i / cols) * (rowH + GAP);
            int w = scaled(p.image().getWidth());
            int h = scaled(p.image().getHeight());
            int x = cx + (cellW - w) / 2;
            int iy = cy + (cellH - h) / 2;
            g.drawImage(p.image(), x, iy, w, h, null);
            g.setColor(FRAME);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x - 1, iy - 1, w + 1, h + 1);
            int ty = cy + cellH + 6;
            g.setFont(captionFont);
            g.setColor(TEXT);
            drawCentred(g, p.caption(), cx + cellW / 2, ty + g.getFontMetrics().getAscent());
            g.setFont(detailFont);
            g.setColor(DETAIL);
            drawCentred(g, p.detail(), cx + cellW / 2, ty + captionH + g.getFontMetrics().getAscent());
        }
        g.dispose();
        return out;
    }

    private int scaled(int size) {
        return (int) Math.round(size * scale);
    }

    private static void drawCentred(Graphics2D g, String text, int cx, int baseline) {
        if (text.isEmpty()) {
            return;
        }
        FontMetrics m = g.getFontMetrics();
        g.drawString(text, cx - m.stringWidth(text) / 2, baseline);
    }

    /** Builds {@link Figure}s. Not thread-safe. */
    public static final class Builder {
        private String title = "";
        private String subtitle = "";
        private int columns;
        private double scale = 1;
        private final List<Panel> panels = new ArrayList<>();

        private Builder() {
        }

        /** Bold text above the panels. */
        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        /** A grey line under the title. */
        public Builder subtitle(String subtitle) {
            this.subtitle = Objects.requireNonNull(subtitle, "subtitle");
            return this;
        }

        /** Panels per row; 0 (the default) puts all in one row. */
        public Builder columns(int columns) {
            if (columns < 0) {
                throw new IllegalArgumentException("columns must be >= 0, got " + columns);
            }
            this.columns = columns;
            return this;
        }

        /** Magnification of every panel, e.g. 2 for small model inputs. */
        public Builder scale(double scale) {
            if (!(scale > 0)) {
                throw new IllegalArgumentException("scale must be positive, got " + scale);
            }
            this.scale = scale;
            return this;
        }

        /** Adds a panel. */
        public Builder panel(BufferedImage image, String caption, String detail) {
            panels.add(new Panel(image, caption, detail));
            return this;
        }

        /**
         * The figure.
         *
         * @throws IllegalStateException if no panel was added
         */
        public Figure build() {
            if (panels.isEmpty()) {
                throw new IllegalStateException("a figure needs at least one panel");
            }
            return new Figure(this);
        }
    }
}
