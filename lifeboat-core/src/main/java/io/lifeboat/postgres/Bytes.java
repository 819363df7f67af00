package io.lifeboat.postgres;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Byte search for the dump readers, which look for every line end of a multi-gigabyte dump. */
final class Bytes {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Bytes() {}

    /**
     * The index of the first {@code v} in {@code b[from, to)}, or -1. Looks at eight bytes per step: in
     * {@code x = word ^ (v repeated)} a byte equal to {@code v} is zero, and {@code (x - 0x01…) & ~x &
     * 0x80…} flags it; a borrow can flag bytes above a zero byte too, never below, so the lowest flag
     * is the first match.
     */
    static int indexOf(byte[] b, int from, int to, byte v) {
        long pattern = (v & 0xFFL) * ONES;
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        for (; i < to; i++) {
            if (b[i] == v) return i;
        }
        return -1;
    }
}
