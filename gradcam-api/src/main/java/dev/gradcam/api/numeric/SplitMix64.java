package dev.gradcam.api.numeric;

/**
 * The SplitMix64 generator (Steele, Lea and Flood 2014): a 64-bit seeded stream that is trivial to reproduce in any
 * language, so reference scripts can draw exactly the numbers Java draws (Random-CAM weights, NMF starting points).
 *
 * <p>{@link #nextDouble()} takes the top 53 bits: {@code (next() >>> 11) * 2^-53}, uniform in [0, 1). Not thread-safe;
 * create one per use.
 */
public final class SplitMix64 {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private long state;

    /** A stream starting from {@code seed}. */
    public SplitMix64(long seed) {
        this.state = seed;
    }

    /** The next 64 random bits. */
    public long nextLong() {
        state += GOLDEN_GAMMA;
        long z = state;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A uniform double in [0, 1). */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** A uniform double in [low, high). */
    public double nextDouble(double low, double high) {
        return low + (high - low) * nextDouble();
    }
}
