package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Philox 4x32-10 against the known-answer vectors of the Random123 distribution
 * ({@code examples/kat_vectors}, the lines {@code philox4x32 10 CTR[4] KEY[2] EXPECTED[4]}), as
 * published with Salmon et al., SC 2011: the three vectors are all zeros, all ones, and the
 * digits of pi.
 */
class PhiloxTest {
    @Test
    void zeroCounterAndKey() {
        // philox4x32 10 00000000 00000000 00000000 00000000 00000000 00000000   6627e8d5 e169c58d bc57ac4c 9b00dbd8
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
    }

    @Test
    void allOnes() {
        // philox4x32 10 ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff   408f276d 41c83b0e a20bc7c6 6d5451fd
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, Philox.block(-1, -1, -1, -1, -1, -1));
    }

    @Test
    void digitsOfPi() {
        // philox4x32 10 243f6a88 85a308d3 13198a2e 03707344 a4093822 299f31d0   d16cfe09 94fdcceb 5001e420 24126ea1
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void theStepKeyIsTheFirstTwoWordsOfTheSeedsBlockAtTheStep() {
        int[] w = Philox.block(5, 0, 0, 0, 0xa4093822, 0x299f31d0);
        long seed = 0x299f31d0_a4093822L;
        assertEquals((w[0] & 0xffffffffL) | (long) w[1] << 32, Philox.stepKey(seed, 5));
        assertNotEquals(Philox.stepKey(seed, 5), Philox.stepKey(seed, 6));
        assertNotEquals(Philox.stepKey(seed, 5), Philox.stepKey(seed + 1, 5));
        // The step's high word is part of the counter: step 2^32 is not step 0.
        assertNotEquals(Philox.stepKey(seed, 0), Philox.stepKey(seed, 1L << 32));
    }

    @Test
    void anElementIsTheBlockAtIndexAndSite() {
        long key = 0x0123456789abcdefL;
        assertArrayEquals(Philox.block(7, 1, 3, 0, 0x89abcdef, 0x01234567), Philox.element(key, 3, (1L << 32) + 7));
    }

    @Test
    void uniformsTakeTheTopBitsAndStayBelowOne() {
        int[] ones = {-1, -1, -1, -1};
        assertEquals(1 - 0x1.0p-24, Philox.uniform24(ones));
        assertEquals(1 - 0x1.0p-53, Philox.uniform53(ones));
        // Exact in a float: rounding the f32 uniform to f32 never reaches 1.
        assertEquals(1 - 0x1.0p-24, (double) (float) Philox.uniform24(ones));
        int[] zeros = {0, 0, 0, 0};
        assertEquals(0, Philox.uniform24(zeros));
        assertEquals(0, Philox.uniform53(zeros));
        assertEquals(0x1.0p-24, Philox.uniform24(new int[] {0x100, 0, 0, 0}));
        assertEquals(0x1.0p-53, Philox.uniform53(new int[] {0, 0x800, 0, 0}));
    }

    @Test
    void theNormalIsTheCosineBranchOfBoxMuller() {
        // u1 = 0: the radius sqrt(-2 ln 1) is zero, whatever u2.
        assertEquals(0.0, Math.abs(Philox.normal(new int[] {0, 0, 0x12345678, 0x9abcdef0})));
        // u1 = u2 = 1/2: sqrt(2 ln 2) cos(pi) = -1.1774100225154747.
        assertEquals(-StrictMath.sqrt(2 * StrictMath.log(2)), Philox.normal(new int[] {0x80000000, 0, 0x80000000, 0}));
        assertEquals(-1.1774100225154747, Philox.normal(new int[] {0x80000000, 0, 0x80000000, 0}), 1e-15);
        // u2 = 1/4 over words 2 and 3: cos(pi / 2) is 6.1e-17, not 0, in doubles.
        assertEquals(StrictMath.sqrt(2 * StrictMath.log(2)) * StrictMath.cos(Math.PI / 2),
                Philox.normal(new int[] {0x80000000, 0, 0x40000000, 0}));
    }
}
