package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BytesTest {

    private static int naive(byte[] b, int from, int to, byte v) {
        for (int i = from; i < to; i++) if (b[i] == v) return i;
        return -1;
    }

    @Test
    void findsTheFirstMatchLikeAByteByByteSearch() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[rng.nextInt(0, 40)];
            // few distinct values, including 0x00, 0x80, 0xff and the newline, so matches, near misses and
            // borrows across bytes all occur
            byte[] alphabet = {'\n', 0, (byte) 0x80, (byte) 0xff, 0x0b, 0x09, 'a'};
            for (int i = 0; i < b.length; i++) b[i] = alphabet[rng.nextInt(alphabet.length)];
            int from = b.length == 0 ? 0 : rng.nextInt(0, b.length + 1);
            int to = rng.nextInt(from, b.length + 1);
            byte v = alphabet[rng.nextInt(alphabet.length)];
            assertThat(Bytes.indexOf(b, from, to, v)).as("round %d", round).isEqualTo(naive(b, from, to, v));
        }
    }

    @Test
    void neverLooksPastTheEnd() {
        byte[] b = "abcdefgh\nijklmnop\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(Bytes.indexOf(b, 0, 8, (byte) '\n')).isEqualTo(-1);
        assertThat(Bytes.indexOf(b, 0, 9, (byte) '\n')).isEqualTo(8);
        assertThat(Bytes.indexOf(b, 9, b.length, (byte) '\n')).isEqualTo(17);
        assertThat(Bytes.indexOf(b, 9, 17, (byte) '\n')).isEqualTo(-1);
    }
}
