package io.lifeboat.repository.internal;

import java.util.Arrays;
import java.util.HexFormat;

/** A 32-byte blob or object id. Immutable. */
public final class BlobId implements Comparable<BlobId> {
    private final byte[] bytes;
    private final int hash;

    public BlobId(byte[] bytes) {
        if (bytes.length != 32) throw new IllegalArgumentException("an id has 32 bytes");
        this.bytes = bytes.clone();
        this.hash = Arrays.hashCode(bytes);
    }

    public static BlobId parse(String hex) {
        if (hex == null || hex.length() != 64) throw new IllegalArgumentException("not an id: " + hex);
        return new BlobId(HexFormat.of().parseHex(hex));
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** Writes the id into {@code out} at {@code off}. */
    public void copyTo(byte[] out, int off) {
        System.arraycopy(bytes, 0, out, off, 32);
    }

    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BlobId b && hash == b.hash && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(BlobId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
