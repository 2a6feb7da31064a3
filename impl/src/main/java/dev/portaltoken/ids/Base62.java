package dev.portaltoken.ids;

import java.util.Optional;
import java.util.UUID;

/**
 * Base62 for 128-bit values, alphabet {@code 0-9A-Za-z} (digits, upper, lower), most significant
 * digit first, no padding. Stateless and thread-safe.
 */
public final class Base62 {
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    /** Digits needed for 2^128 - 1. */
    public static final int MAX_128_BIT_LENGTH = 22;
    private static final long MASK32 = 0xFFFF_FFFFL;
    private static final int[] DIGIT_VALUES = new int[128];

    static {
        java.util.Arrays.fill(DIGIT_VALUES, -1);
        for (int i = 0; i < ALPHABET.length(); i++) {
            DIGIT_VALUES[ALPHABET.charAt(i)] = i;
        }
    }

    private Base62() {
    }

    /** Encodes the 128 bits of {@code value} (most significant long first) as an unsigned number. */
    public static String encode(UUID value) {
        return encode(value.getMostSignificantBits(), value.getLeastSignificantBits());
    }

    static String encode(long hi, long lo) {
        int[] limbs = {(int) (hi >>> 32), (int) hi, (int) (lo >>> 32), (int) lo};
        char[] out = new char[MAX_128_BIT_LENGTH];
        int pos = out.length;
        do {
            long remainder = 0;
            for (int i = 0; i < limbs.length; i++) {
                long current = (remainder << 32) | (limbs[i] & MASK32);
                limbs[i] = (int) (current / 62);
                remainder = current % 62;
            }
            out[--pos] = ALPHABET.charAt((int) remainder);
        } while ((limbs[0] | limbs[1] | limbs[2] | limbs[3]) != 0);
        return new String(out, pos, out.length - pos);
    }

    /**
     * Decodes {@code text[from..]} as an unsigned 128-bit number.
     *
     * @return empty when the text is empty, has a character outside the alphabet, or exceeds 128 bits
     */
    public static Optional<UUID> decode(String text, int from) {
        int length = text.length() - from;
        if (length <= 0 || length > MAX_128_BIT_LENGTH) {
            return Optional.empty();
        }
        int[] limbs = new int[4];
        for (int c = from; c < text.length(); c++) {
            char ch = text.charAt(c);
            int digit = ch < DIGIT_VALUES.length ? DIGIT_VALUES[ch] : -1;
            if (digit < 0) {
                return Optional.empty();
            }
            long carry = digit;
            for (int i = limbs.length - 1; i >= 0; i--) {
                long current = (limbs[i] & MASK32) * 62 + carry;
                limbs[i] = (int) current;
                carry = current >>> 32;
            }
            if (carry != 0) {
                return Optional.empty();
            }
        }
        long hi = ((limbs[0] & MASK32) << 32) | (limbs[1] & MASK32);
        long lo = ((limbs[2] & MASK32) << 32) | (limbs[3] & MASK32);
        return Optional.of(new UUID(hi, lo));
    }

    /** True when every character of {@code text} is in the alphabet. */
    public static boolean isBase62(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch >= DIGIT_VALUES.length || DIGIT_VALUES[ch] < 0) {
                return false;
            }
        }
        return true;
    }

    /** The alphabet character for {@code digit} in 0..61. */
    public static char digit(int digit) {
        return ALPHABET.charAt(digit);
    }
}
