package io.lifeboat.odoozip;

import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Input bytes of one block of a zip entry and their raw deflate output; reused across entries. Blocks
 * deflated one after the other, each primed with the previous one's last {@link #DICTIONARY_SIZE}
 * bytes, concatenate into one raw deflate stream, so they can be deflated concurrently.
 */
final class DeflateBlock {
    static final int DICTIONARY_SIZE = 32 * 1024;

    final byte[] in;
    final byte[] dictionary = new byte[DICTIONARY_SIZE];
    byte[] out = new byte[0];
    int len;
    int outLen;
    boolean hasDictionary;
    boolean last;

    DeflateBlock(int size) {
        this.in = new byte[size];
    }

    /** Empties the block for new content. */
    void reset() {
        len = 0;
        outLen = 0;
        hasDictionary = false;
        last = false;
    }

    /**
     * Deflates {@code in[0..len)} into {@code out}: primed with the dictionary if any, ended by a sync
     * flush (byte-aligned, stream open) or, for the last block, by a final block.
     */
    void deflate(int level) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (hasDictionary) {
                deflater.setDictionary(dictionary);
            }
            deflater.setInput(in, 0, len);
            if (out.length < len + (len >> 6) + 64) {
                out = new byte[in.length + (in.length >> 6) + 64];
            }
            outLen = 0;
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    grow();
                    outLen += deflater.deflate(out, outLen, out.length - outLen);
                }
            } else {
                do {
                    grow();
                    outLen += deflater.deflate(out, outLen, out.length - outLen, Deflater.SYNC_FLUSH);
                } while (outLen == out.length);
            }
        } finally {
            deflater.end();
        }
    }

    private void grow() {
        if (outLen == out.length) {
            out = Arrays.copyOf(out, out.length + (out.length >> 1) + 64);
        }
    }
}
