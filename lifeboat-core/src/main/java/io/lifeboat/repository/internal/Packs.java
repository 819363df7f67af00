package io.lifeboat.repository.internal;

import com.github.luben.zstd.Zstd;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.AEADBadTagException;

/** Pack layout (format §4): building, parsing headers, opening blobs. */
public final class Packs {
    static final byte[] MAGIC = "LBPK".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END = "LBPE".getBytes(StandardCharsets.US_ASCII);
    static final byte[] HEADER_AAD = RepoKeys.label("lifeboat pack header");
    public static final int ZSTD_LEVEL = 3;

    private Packs() {}

    public static String objectName(String packHex) {
        return "data/" + packHex.substring(0, 2) + "/" + packHex;
    }

    /** The pack's 64-hex name from its object name, or null when it is not a pack name. */
    public static String packOf(String objectName) {
        if (!objectName.startsWith("data/") || objectName.length() != 5 + 3 + 64) return null;
        String hex = objectName.substring(8);
        return hex.matches("[0-9a-f]{64}") && objectName.substring(5, 7).equals(hex.substring(0, 2)) ? hex : null;
    }

    /** A blob ready for a pack: stored bytes (maybe zstd) and plaintext length. */
    public record Encoded(BlobId id, BlobType type, byte[] data, int length, boolean compressed, int rawLength) {}

    /** Compresses when that saves at least 5%. */
    public static Encoded encode(BlobId id, BlobType type, byte[] plain, int off, int len) {
        return encode(id, type, plain, off, len, ZSTD_LEVEL);
    }

    /** As {@link #encode(BlobId, BlobType, byte[], int, int)} with another zstd level (readers need not know it). */
    public static Encoded encode(BlobId id, BlobType type, byte[] plain, int off, int len, int level) {
        if (len >= 64) {
            byte[] dst = new byte[(int) Zstd.compressBound(len)];
            long n = Zstd.compressByteArray(dst, 0, dst.length, plain, off, len, level);
            if (Zstd.isError(n)) throw new IllegalStateException("zstd: " + Zstd.getErrorName(n));
            if (n < len * 0.95) return new Encoded(id, type, dst, (int) n, true, len);
        }
        return new Encoded(id, type, Arrays.copyOfRange(plain, off, off + len), len, false, len);
    }

    /** Builds one pack in memory. Not thread-safe. */
    public static final class Builder {
        private final byte[] metaKey;
        private final byte[] fileKey = Crypto.random(Crypto.KEY);
        private byte[] buf = new byte[1 << 20];
        private int len;
        private final List<IndexEntry> entries = new ArrayList<>();

        public Builder(List<byte[]> recipients, byte[] metaKey) {
            this.metaKey = metaKey;
            if (recipients.isEmpty() || recipients.size() > 255)
                throw new IllegalArgumentException("1..255 recipients");
            append(MAGIC, 0, 4);
            append(new byte[] {1, (byte) recipients.size()}, 0, 2);
            byte[] eph = Crypto.random(32);
            byte[] ephPub = Crypto.x25519Public(eph);
            for (byte[] r : recipients) append(Crypto.stanza(eph, ephPub, r, fileKey), 0, Crypto.STANZA);
        }

        public void add(Encoded b) {
            byte[] sealed = Crypto.seal(fileKey, b.data(), 0, b.length(), b.id().bytes());
            entries.add(new IndexEntry(b.id(), b.type(), b.compressed(), null, len, sealed.length, b.rawLength()));
            append(sealed, 0, sealed.length);
        }

        public int size() {
            return len;
        }

        public int count() {
            return entries.size();
        }

        /** Seals the header; returns the pack's bytes, name and entries. The builder is spent. */
        public Finished finish() {
            ByteBuffer h = ByteBuffer.allocate(4 + entries.size() * IndexEntry.SIZE);
            h.putInt(entries.size());
            for (IndexEntry e : entries) e.write(h);
            byte[] header = Crypto.seal(metaKey, h.array(), HEADER_AAD);
            append(header, 0, header.length);
            append(ByteBuffer.allocate(4).putInt(header.length).array(), 0, 4);
            append(END, 0, 4);
            var md = Crypto.sha256();
            md.update(buf, 0, len);
            String name = Crypto.hex(md.digest());
            List<IndexEntry> named = new ArrayList<>(entries.size());
            for (IndexEntry e : entries) {
                named.add(new IndexEntry(
                        e.id(), e.type(), e.compressed(), name, e.offset(), e.storedLength(), e.rawLength()));
            }
            return new Finished(name, buf, len, named);
        }

        private void append(byte[] b, int off, int n) {
            if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
            System.arraycopy(b, off, buf, len, n);
            len += n;
        }
    }

    /** A finished pack: {@code bytes[0, length)} is stored as {@code data/xx/name}. */
    public record Finished(String name, byte[] bytes, int length, List<IndexEntry> entries) {
        public ContentSource content() {
            return new ContentSource() {
                @Override
                public long length() {
                    return length;
                }

                @Override
                public InputStream open() {
                    return new ByteArrayInputStream(bytes, 0, length);
                }
            };
        }
    }

    /** Reads and authenticates a pack's header (needs the meta key only). */
    public static List<IndexEntry> readHeader(Backend backend, String pack, long size, byte[] metaKey)
            throws IOException {
        return readHeaderOf(backend, objectName(pack), pack, size, metaKey);
    }

    /**
     * Reads and authenticates the header of the pack stored as {@code object} (a pack under another
     * name, such as a WAL object); {@code pack} names it in messages.
     */
    public static List<IndexEntry> readHeaderOf(Backend backend, String object, String pack, long size, byte[] metaKey)
            throws IOException {
        if (size < 6 + Crypto.STANZA + 8 + Crypto.NONCE + Crypto.TAG) throw damaged(pack, "too short");
        byte[] tail;
        try (InputStream in = backend.load(object, size - 8, 8)) {
            tail = in.readNBytes(8);
        }
        if (tail.length != 8 || !Arrays.equals(tail, 4, 8, END, 0, 4)) throw damaged(pack, "bad trailer");
        int hlen = ByteBuffer.wrap(tail).getInt();
        if (hlen < Crypto.NONCE + Crypto.TAG + 4 || hlen > size - 8) throw damaged(pack, "bad header length");
        byte[] header;
        try (InputStream in = backend.load(object, size - 8 - hlen, hlen)) {
            header = in.readNBytes(hlen);
        }
        return parseHeader(pack, header, 0, header.length, metaKey);
    }

    /** Parses a complete pack held in memory (verify --read-data). */
    public static List<IndexEntry> parseHeader(String pack, byte[] whole, int length, byte[] metaKey) {
        if (length < 8 || !Arrays.equals(whole, length - 4, length, END, 0, 4)) throw damaged(pack, "bad trailer");
        int hlen = ByteBuffer.wrap(whole, length - 8, 4).getInt();
        if (hlen < Crypto.NONCE + Crypto.TAG + 4 || hlen > length - 8) throw damaged(pack, "bad header length");
        return parseHeader(pack, whole, length - 8 - hlen, hlen, metaKey);
    }

    private static List<IndexEntry> parseHeader(String pack, byte[] b, int off, int len, byte[] metaKey) {
        byte[] plain;
        try {
            plain = Crypto.open(metaKey, b, off, len, HEADER_AAD);
        } catch (AEADBadTagException e) {
            throw damaged(pack, "header fails authentication (damaged, or written for another repository)");
        }
        ByteBuffer in = ByteBuffer.wrap(plain);
        try {
            int n = in.getInt();
            if (n < 0 || (long) n * IndexEntry.SIZE != in.remaining()) throw damaged(pack, "bad header");
            List<IndexEntry> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(IndexEntry.read(in, pack));
            return out;
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw damaged(pack, "bad header");
        }
    }

    /** Length of the stanza area that starts a pack, from its first 6 bytes. */
    public static int prefixLength(String pack, byte[] first6) {
        if (first6.length != 6 || !Arrays.equals(first6, 0, 4, MAGIC, 0, 4)) throw damaged(pack, "bad magic");
        if (first6[4] != 1) throw damaged(pack, "unsupported pack version " + first6[4]);
        int n = first6[5] & 0xff;
        if (n == 0) throw damaged(pack, "no recipient");
        return 6 + n * Crypto.STANZA;
    }

    /**
     * Finds the file key in a pack's stanza area for one of the secret keys ({@code secrets[i]},
     * {@code publics[i]}); null when the pack is sealed to none of them.
     */
    public static byte[] fileKey(String pack, byte[] prefix, List<byte[]> secrets, List<byte[]> publics) {
        int n = prefix[5] & 0xff;
        for (int s = 0; s < n; s++) {
            int off = 6 + s * Crypto.STANZA;
            for (int k = 0; k < secrets.size(); k++) {
                try {
                    byte[] key = Crypto.openStanza(prefix, off, secrets.get(k), publics.get(k));
                    if (key != null) return key;
                } catch (AEADBadTagException e) {
                    throw damaged(pack, "recipient stanza fails authentication");
                }
            }
        }
        return null;
    }

    /** Decrypts, decompresses and checks one blob; any mismatch is an INTEGRITY error. */
    public static byte[] openBlob(byte[] fileKey, IndexEntry e, byte[] stored, int off, RepoKeys keys) {
        byte[] data;
        try {
            data = Crypto.open(fileKey, stored, off, e.storedLength(), e.id().bytes());
        } catch (AEADBadTagException x) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "blob " + e.id().hex().substring(0, 12) + " in pack "
                            + e.pack().substring(0, 12) + " fails authentication (damaged or tampered)",
                    "Run verify --read-data to see what is affected.");
        }
        if (e.compressed()) {
            byte[] raw = new byte[e.rawLength()];
            long n = Zstd.decompressByteArray(raw, 0, raw.length, data, 0, data.length);
            if (Zstd.isError(n) || n != raw.length) throw damaged(e.pack(), "blob does not decompress");
            data = raw;
        }
        if (data.length != e.rawLength() || !keys.blobId(data, 0, data.length).equals(e.id())) {
            throw new LifeboatException(
                    Kind.INTEGRITY,
                    "blob " + e.id().hex().substring(0, 12) + " in pack "
                            + e.pack().substring(0, 12) + " does not match its id",
                    "Run verify --read-data to see what is affected.");
        }
        return data;
    }

    public static LifeboatException damaged(String pack, String what) {
        return new LifeboatException(
                Kind.INTEGRITY,
                "pack " + pack.substring(0, Math.min(12, pack.length())) + " is damaged: " + what,
                "Run verify --read-data to see which snapshots are affected.");
    }
}
