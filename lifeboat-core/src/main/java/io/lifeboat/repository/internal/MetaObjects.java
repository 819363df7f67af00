package io.lifeboat.repository.internal;

import com.github.luben.zstd.Zstd;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.AEADBadTagException;

/** Sealed metadata objects (format §6) and the index payload (format §7). */
public final class MetaObjects {
    public static final String INDEX = "lifeboat index v1";
    public static final String SNAPSHOT = "lifeboat snapshot v1";
    private static final byte[] INDEX_MAGIC = "LBIX".getBytes(StandardCharsets.US_ASCII);

    private MetaObjects() {}

    public static byte[] seal(byte[] metaKey, String label, byte[] payload) {
        byte[] body;
        byte[] dst = new byte[(int) Zstd.compressBound(payload.length) + 1];
        long n = Zstd.compressByteArray(dst, 1, dst.length - 1, payload, 0, payload.length, Packs.ZSTD_LEVEL);
        if (!Zstd.isError(n) && n < payload.length) {
            dst[0] = 1;
            body = Arrays.copyOf(dst, (int) n + 1);
        } else {
            body = new byte[payload.length + 1];
            System.arraycopy(payload, 0, body, 1, payload.length);
        }
        return Crypto.seal(metaKey, body, RepoKeys.label(label));
    }

    public static byte[] open(byte[] metaKey, String label, byte[] stored, String name) {
        byte[] body;
        try {
            body = Crypto.open(metaKey, stored, RepoKeys.label(label));
        } catch (AEADBadTagException e) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    name + " fails authentication (damaged, tampered, or not of this repository)",
                    "Run verify; restore the object from a copy of the repository if you have one.");
        }
        if (body.length == 0) throw corrupt(name);
        if (body[0] == 0) return Arrays.copyOfRange(body, 1, body.length);
        if (body[0] != 1) throw corrupt(name);
        long size = Zstd.getFrameContentSize(body, 1, body.length - 1);
        if (size < 0 || size > Integer.MAX_VALUE - 16) throw corrupt(name);
        byte[] out = new byte[(int) size];
        long n = Zstd.decompressByteArray(out, 0, out.length, body, 1, body.length - 1);
        if (Zstd.isError(n) || n != size) throw corrupt(name);
        return out;
    }

    private static LifeboatException corrupt(String name) {
        return new LifeboatException(Kind.INTEGRITY, name + " is damaged", "Run verify.");
    }

    /** Saves bytes under {@code prefix + sha256}; returns the hex name. */
    public static String save(Backend backend, String prefix, byte[] bytes) throws IOException {
        String hex = Crypto.hex(Crypto.sha256().digest(bytes));
        backend.save(prefix + hex, ContentSource.ofBytes(bytes));
        return hex;
    }

    /** Loads a whole object and checks its SHA-256 against the hex at the end of its name. */
    public static byte[] loadChecked(Backend backend, String name) throws IOException {
        byte[] bytes;
        try (InputStream in = backend.load(name)) {
            bytes = in.readAllBytes();
        }
        String hex = name.substring(name.lastIndexOf('/') + 1);
        if (!Crypto.hex(Crypto.sha256().digest(bytes)).equals(hex)) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    name + " is damaged: its content does not match its name",
                    "Run verify; restore the object from a copy of the repository if you have one.");
        }
        return bytes;
    }

    public static byte[] encodeIndex(Map<String, List<IndexEntry>> packs) {
        int n = 0;
        for (var l : packs.values()) n += l.size();
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + packs.size() * 36 + n * IndexEntry.SIZE);
        b.put(INDEX_MAGIC).put((byte) 1).putInt(packs.size());
        for (var e : packs.entrySet()) {
            b.put(BlobId.parse(e.getKey()).bytes()).putInt(e.getValue().size());
            for (IndexEntry x : e.getValue()) x.write(b);
        }
        return b.array();
    }

    public static Map<String, List<IndexEntry>> decodeIndex(byte[] payload, String name) {
        try {
            ByteBuffer b = ByteBuffer.wrap(payload);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, INDEX_MAGIC) || b.get() != 1) throw corrupt(name);
            int packs = b.getInt();
            Map<String, List<IndexEntry>> out = new LinkedHashMap<>();
            for (int p = 0; p < packs; p++) {
                byte[] id = new byte[32];
                b.get(id);
                String pack = Crypto.hex(id);
                int count = b.getInt();
                if (count < 0 || (long) count * IndexEntry.SIZE > b.remaining()) throw corrupt(name);
                List<IndexEntry> l = new ArrayList<>(count);
                for (int i = 0; i < count; i++) l.add(IndexEntry.read(b, pack));
                out.put(pack, l);
            }
            if (b.hasRemaining()) throw corrupt(name);
            return out;
        } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
            throw corrupt(name);
        }
    }
}
