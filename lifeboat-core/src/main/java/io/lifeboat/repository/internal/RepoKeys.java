package io.lifeboat.repository.internal;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.Mac;

/** Keys derived from the write secret (format §6). Never printed. */
public final class RepoKeys {
    private final byte[] idKey;
    private final byte[] metaKey;
    private final byte[] gearKey;
    private final byte[] checkKey;
    private final byte[] repoId;

    public RepoKeys(String repositoryId, byte[] writeSecret) {
        this.repoId = HexFormat.of().parseHex(repositoryId);
        this.idKey = Crypto.hkdf(writeSecret, repoId, "lifeboat id");
        this.metaKey = Crypto.hkdf(writeSecret, repoId, "lifeboat meta");
        this.gearKey = Crypto.hkdf(writeSecret, repoId, "lifeboat gear");
        this.checkKey = Crypto.hkdf(writeSecret, repoId, "lifeboat check");
    }

    /** A fresh MAC computing blob ids; not thread-safe, one per thread. */
    public Mac idMac() {
        return Crypto.hmac(idKey);
    }

    public BlobId blobId(byte[] data, int off, int len) {
        Mac m = idMac();
        m.update(data, off, len);
        return new BlobId(m.doFinal());
    }

    public byte[] metaKey() {
        return metaKey;
    }

    public byte[] keyCheck() {
        return Crypto.hmac(checkKey, repoId);
    }

    /** The chunker's gear table, specific to this repository. */
    public long[] gear() {
        long[] g = new long[256];
        Mac m = Crypto.hmac(gearKey);
        for (int i = 0; i < 256; i++) {
            byte[] h = m.doFinal(new byte[] {(byte) i});
            long v = 0;
            for (int j = 0; j < 8; j++) v = (v << 8) | (h[j] & 0xff);
            g[i] = v;
        }
        return g;
    }

    public static byte[] label(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
