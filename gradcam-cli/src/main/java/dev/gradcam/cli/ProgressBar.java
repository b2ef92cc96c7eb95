package dev.gradcam.cli;

import java.io.PrintWriter;
import java.util.Objects;

/**
 * A one-line text progress bar for long runs, redrawn in place with carriage returns, e.g.
 * {@code explaining [=========>          ] 12/40 images, 3.1/s | score-cam masked passes 96/200}. The part after
 * {@code |} is what a long method (Score-CAM, Ablation-CAM) reports within a batch. Silent when disabled, and when
 * there is only one image and no method progress. Thread-safe (methods report from the explaining thread).
 */
final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final String label;
    private final String unit;
    private final int total;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private int done;
    private String detail = "";
    private boolean drawn;

    /**
     * @param out     where to draw (standard error, so standard output stays clean)
     * @param label   what is being done
     * @param unit    what is counted, plural
     * @param total   the number of steps
     * @param enabled false to draw nothing
     */
    ProgressBar(PrintWriter out, String label, String unit, int total, boolean enabled) {
        this.out = Objects.requireNonNull(out, "out");
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.enabled = enabled;
    }

    /** Records {@code n} more steps and redraws; ends the line after the last. */
    synchronized void advance(int n) {
        done = Math.min(total, done + n);
        detail = "";
        if (enabled && (total > 1 || drawn)) {
            draw();
            if (done == total) {
                out.println();
            }
        }
    }

    /** Shows a method's progress within the current step, e.g. Score-CAM's masked passes. */
    synchronized void detail(String task, long taskDone, long taskTotal) {
        detail = task + " " + taskDone + "/" + taskTotal;
        if (enabled) {
            draw();
        }
    }

    /** The current line, without the carriage return. */
    synchronized String line() {
        int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
        StringBuilder bar = new StringBuilder(WIDTH);
        for (int i = 0; i < WIDTH; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        String rate = seconds > 0 && done > 0 ? String.format(", %.1f/s", done / seconds) : "";
        return String.format("%s [%s] %d/%d %s%s%s", label, bar, done, total, unit, rate,
                detail.isEmpty() ? "" : " | " + detail);
    }

    private void draw() {
        String l = line();
        // Pad so a shorter line fully covers the previous one.
        out.print('\r' + l + "   ");
        out.flush();
        drawn = true;
    }
}
