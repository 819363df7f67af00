package io.lifeboat.repository.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChunkerTest {
    private final Chunker chunker =
            new Chunker(new RepoKeys("ab".repeat(32), new byte[32]).gear(), 256 * 1024, 1 << 20, 8 << 20);

    private List<byte[]> chunks(byte[] data) throws IOException {
        List<byte[]> out = new ArrayList<>();
        Chunker.Cursor c = chunker.cursor(new ByteArrayInputStream(data));
        while (c.next()) out.add(java.util.Arrays.copyOfRange(c.buffer(), c.offset(), c.offset() + c.length()));
        return out;
    }

    @Test
    void chunksRespectBoundsAndReassemble() throws IOException {
        byte[] data = new byte[40 << 20];
        new Random(1).nextBytes(data);
        List<byte[]> cs = chunks(data);
        var all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < cs.size(); i++) {
            if (i < cs.size() - 1) assertThat(cs.get(i).length).isBetween(256 * 1024, 8 << 20);
            all.writeBytes(cs.get(i));
        }
        assertThat(all.toByteArray()).isEqualTo(data);
        double avg = (double) data.length / cs.size();
        assertThat(avg).isBetween(0.5 * (1 << 20), 2.0 * (1 << 20));
    }

    @Test
    void anInsertionChangesOnlyNearbyChunks() throws IOException {
        byte[] data = new byte[30 << 20];
        new Random(2).nextBytes(data);
        byte[] edited = new byte[data.length + 100];
        int at = 15 << 20;
        System.arraycopy(data, 0, edited, 0, at);
        System.arraycopy(data, at, edited, at + 100, data.length - at);
        Set<String> before = new HashSet<>();
        for (byte[] c : chunks(data)) before.add(Crypto.hex(Crypto.sha256().digest(c)));
        int changed = 0;
        for (byte[] c : chunks(edited))
            if (!before.contains(Crypto.hex(Crypto.sha256().digest(c)))) changed++;
        assertThat(changed).isBetween(1, 3);
    }

    @Test
    void chunkingThroughput() throws IOException {
        byte[] data = new byte[128 << 20];
        new Random(3).nextBytes(data);
        chunks(java.util.Arrays.copyOf(data, 16 << 20)); // warm up
        long t0 = System.nanoTime();
        Chunker.Cursor c = chunker.cursor(new ByteArrayInputStream(data));
        long n = 0;
        while (c.next()) n += c.length();
        double secs = (System.nanoTime() - t0) / 1e9;
        System.out.printf("chunking: %d MiB in %.2f s = %.0f MiB/s%n", n >> 20, secs, (n >> 20) / secs);
        assertThat(n).isEqualTo(data.length);
        assertThat((n >> 20) / secs).isGreaterThan(50);
    }
}
