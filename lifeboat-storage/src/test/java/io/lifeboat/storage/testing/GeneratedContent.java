package io.lifeboat.storage.testing;

import io.lifeboat.storage.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic pseudo-random content of any length, generated while read: large objects without
 * large arrays. Equal seeds and lengths give equal bytes.
 */
public final class GeneratedContent implements ContentSource {
    private final long seed;
    private final long length;

    public GeneratedContent(long seed, long length) {
        this.seed = seed;
        this.length = length;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public InputStream open() {
        return new Generator(seed, length);
    }

    /** The content as an array; for small lengths only. */
    public byte[] bytes() {
        try (InputStream in = open()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of the content, hex. */
    public String sha256() {
        try {
            return sha256(open());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SHA-256 of what remains in {@code in}, hex; closes {@code in}. */
    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (in) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    @Override
    public String toString() {
        return "GeneratedContent[seed=" + seed + ", length=" + length + "]";
    }

    private static final class Generator extends InputStream {
        private long state;
        private long remaining;

        Generator(long seed, long length) {
            this.state = seed * 0x9E3779B97F4A7C15L + 1;
            this.remaining = length;
        }

        @Override
        public int read() {
            if (remaining <= 0) {
                return -1;
            }
            remaining--;
            return next() & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, remaining);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) next();
            }
            remaining -= n;
            return n;
        }

        private int next() {
            // xorshift64*
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            return (int) ((state * 0x2545F4914F6CDD1DL) >>> 56);
        }
    }
}
