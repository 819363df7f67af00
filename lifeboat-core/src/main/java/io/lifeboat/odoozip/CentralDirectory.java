package io.lifeboat.odoozip;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The central directory records of a zip being written, plus a duplicate-name check. Records stay
 * in memory up to {@link #MEMORY_LIMIT} bytes and then go to a temporary file, so a million entries
 * do not need a hundred megabytes of heap; the name check costs 16 bytes per entry (a 64-bit hash
 * per name: two distinct names collide with probability about n²/2⁶⁵). Not thread-safe.
 */
final class CentralDirectory implements Closeable {
    static final int MEMORY_LIMIT = 8 << 20;

    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private Path spillFile;
    private OutputStream spill;
    private long size;
    private long count;
    private long[] hashes = new long[1024];
    private int hashCount;

    /** Records {@code name}; returns false if it was recorded before. */
    boolean addName(String name) {
        long h = hash(name);
        if (hashCount * 2 >= hashes.length) {
            long[] old = hashes;
            hashes = new long[old.length * 2];
            for (long v : old) {
                if (v != 0) {
                    insert(hashes, v);
                }
            }
        }
        if (!insert(hashes, h)) {
            return false;
        }
        hashCount++;
        return true;
    }

    private static boolean insert(long[] table, long h) {
        int mask = table.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            if (table[i] == 0) {
                table[i] = h;
                return true;
            }
            if (table[i] == h) {
                return false;
            }
        }
    }

    private static long hash(String name) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64, then a murmur3 finaliser
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    void add(byte[] record) throws IOException {
        if (spill == null && memory.size() + record.length > MEMORY_LIMIT) {
            spillFile = Files.createTempFile("lifeboat-zip-directory-", ".tmp");
            spill = new BufferedOutputStream(Files.newOutputStream(spillFile), 1 << 16);
            memory.writeTo(spill);
            memory.reset();
        }
        if (spill != null) {
            spill.write(record);
        } else {
            memory.write(record);
        }
        size += record.length;
        count++;
    }

    long count() {
        return count;
    }

    long size() {
        return size;
    }

    void writeTo(OutputStream out) throws IOException {
        if (spill == null) {
            memory.writeTo(out);
            return;
        }
        spill.close();
        spill = null;
        try (InputStream in = Files.newInputStream(spillFile)) {
            in.transferTo(out);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (spill != null) {
                spill.close();
            }
        } finally {
            spill = null;
            if (spillFile != null) {
                Files.deleteIfExists(spillFile);
                spillFile = null;
            }
        }
    }
}
