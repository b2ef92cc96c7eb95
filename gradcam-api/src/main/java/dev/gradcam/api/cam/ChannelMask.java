package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Arrays;

/** Which of an image's K feature maps contribute to its map. Immutable. */
public final class ChannelMask {

    private final boolean[] selected;

    private ChannelMask(boolean[] selected) {
        this.selected = selected;
    }

    /** A mask from flags (copied). */
    public static ChannelMask of(boolean... selected) {
        return new ChannelMask(InvalidArgumentException.requireNonNull(selected, "selected").clone());
    }

    /** Every channel. */
    public static ChannelMask all(int channels) {
        boolean[] b = new boolean[channels];
        Arrays.fill(b, true);
        return new ChannelMask(b);
    }

    /** No channel. */
    public static ChannelMask none(int channels) {
        return new ChannelMask(new boolean[channels]);
    }

    /** Exactly the given channels. */
    public static ChannelMask indices(int channels, int... indices) {
        InvalidArgumentException.requireNonNull(indices, "indices");
        boolean[] b = new boolean[channels];
        for (int i : indices) {
            if (i < 0 || i >= channels) {
                throw new InvalidArgumentException("channel index " + i + " out of range 0.." + (channels - 1));
            }
            b[i] = true;
        }
        return new ChannelMask(b);
    }

    public int channels() {
        return selected.length;
    }

    public boolean isSelected(int k) {
        return selected[k];
    }

    /** Number of selected channels. */
    public int count() {
        int n = 0;
        for (boolean b : selected) {
            n += b ? 1 : 0;
        }
        return n;
    }

    /** Selected channel indices, ascending. */
    public int[] indices() {
        int[] out = new int[count()];
        int j = 0;
        for (int i = 0; i < selected.length; i++) {
            if (selected[i]) {
                out[j++] = i;
            }
        }
        return out;
    }

    public ChannelMask and(ChannelMask other) {
        check(other);
        boolean[] b = new boolean[selected.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = selected[i] && other.selected[i];
        }
        return new ChannelMask(b);
    }

    public ChannelMask or(ChannelMask other) {
        check(other);
        boolean[] b = new boolean[selected.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = selected[i] || other.selected[i];
        }
        return new ChannelMask(b);
    }

    public ChannelMask not() {
        boolean[] b = new boolean[selected.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = !selected[i];
        }
        return new ChannelMask(b);
    }

    private void check(ChannelMask other) {
        if (other.selected.length != selected.length) {
            throw new InvalidArgumentException("masks have " + selected.length + " and " + other.selected.length
                    + " channels");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelMask m && Arrays.equals(selected, m.selected);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(selected);
    }

    @Override
    public String toString() {
        return "ChannelMask" + Arrays.toString(indices()) + " of " + selected.length;
    }
}
