package io.lifeboat.pitr;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** WAL files as PostgreSQL writes them, for tests that need no server. */
public final class WalFixtures {
    private WalFixtures() {}

    public static final int SEGMENT = 16 * 1024 * 1024;

    /** A 16 MiB segment of {@code systemId} whose first page header matches its name; {@code seed} varies the rest. */
    public static byte[] segment(long systemId, int timeline, long segmentNo, long seed) {
        byte[] b = new byte[SEGMENT];
        new Random(seed).nextBytes(b);
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        h.putShort(0, (short) 0xD110);
        h.putShort(2, (short) 0x0002);
        h.putInt(4, timeline);
        h.putLong(8, segmentNo * SEGMENT);
        h.putInt(16, 0);
        h.putInt(20, 0);
        h.putLong(24, systemId);
        h.putInt(32, SEGMENT);
        h.putInt(36, 8192);
        return b;
    }

    public static Path write(Path dir, String name, byte[] content) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, content);
        return f;
    }

    /** A data directory with just {@code global/pg_control} naming {@code systemId}. */
    public static Path dataDir(Path dir, long systemId) throws Exception {
        Path global = Files.createDirectories(dir.resolve("global"));
        byte[] control = new byte[8192];
        ByteBuffer.wrap(control).order(ByteOrder.LITTLE_ENDIAN).putLong(0, systemId);
        Files.write(global.resolve("pg_control"), control);
        return dir;
    }
}
