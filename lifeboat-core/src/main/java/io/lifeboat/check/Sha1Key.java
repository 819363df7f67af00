package io.lifeboat.check;

/**
 * A SHA-1 held as three primitives ({@code hi}: hex 0–15, {@code mid}: hex 16–31, {@code lo}: hex
 * 32–39) so that a million of them fit in a few arrays instead of a million strings.
 */
final class Sha1Key {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Sha1Key() {}

    /** Whether {@code s} is exactly 40 lowercase hexadecimal characters. */
    static boolean isSha1(CharSequence s) {
        if (s == null || s.length() != 40) return false;
        for (int i = 0; i < 40; i++) {
            if (digit(s.charAt(i)) < 0) return false;
        }
        return true;
    }

    /** Value of a lowercase hex digit, or -1. */
    static int digit(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        return -1;
    }

    /** Parses {@code count} (at most 16) hex digits of {@code s} from {@code from}; caller validated them. */
    static long parse(CharSequence s, int from, int count) {
        long v = 0;
        for (int i = from; i < from + count; i++) {
            v = (v << 4) | digit(s.charAt(i));
        }
        return v;
    }

    static long hi(CharSequence sha1) {
        return parse(sha1, 0, 16);
    }

    static long mid(CharSequence sha1) {
        return parse(sha1, 16, 16);
    }

    static int lo(CharSequence sha1) {
        return (int) parse(sha1, 32, 8);
    }

    static long hi(byte[] digest) {
        return bytes(digest, 0, 8);
    }

    static long mid(byte[] digest) {
        return bytes(digest, 8, 8);
    }

    static int lo(byte[] digest) {
        return (int) bytes(digest, 16, 4);
    }

    private static long bytes(byte[] b, int from, int count) {
        long v = 0;
        for (int i = from; i < from + count; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    static int compare(long hiA, long midA, int loA, long hiB, long midB, int loB) {
        int c = Long.compareUnsigned(hiA, hiB);
        if (c != 0) return c;
        c = Long.compareUnsigned(midA, midB);
        if (c != 0) return c;
        return Integer.compareUnsigned(loA, loB);
    }

    static String toHex(long hi, long mid, int lo) {
        char[] out = new char[40];
        put(out, 0, hi, 16);
        put(out, 16, mid, 16);
        put(out, 32, lo & 0xffffffffL, 8);
        return new String(out);
    }

    static String toHex(byte[] digest) {
        return toHex(hi(digest), mid(digest), lo(digest));
    }

    private static void put(char[] out, int at, long v, int count) {
        for (int i = count - 1; i >= 0; i--) {
            out[at + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }
}
