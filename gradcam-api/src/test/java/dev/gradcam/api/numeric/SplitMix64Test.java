package dev.gradcam.api.numeric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {

    @Test
    void matchesTheReferenceStream() {
        // SplitMix64 (Steele, Lea and Flood 2014) from seed 0 starts with 0xE220A8397B1DCDAF, 0x6E789E6AA1B965F4.
        SplitMix64 r = new SplitMix64(0);
        assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
        assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
    }

    @Test
    void doublesAreTopBitsScaledIntoTheUnitInterval() {
        SplitMix64 a = new SplitMix64(42);
        SplitMix64 b = new SplitMix64(42);
        for (int i = 0; i < 1000; i++) {
            double d = a.nextDouble();
            assertEquals((b.nextLong() >>> 11) * 0x1.0p-53, d);
            assertTrue(d >= 0 && d < 1);
        }
    }
}
