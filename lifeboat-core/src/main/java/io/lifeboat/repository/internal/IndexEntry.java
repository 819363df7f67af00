package io.lifeboat.repository.internal;

/**
 * Where one blob lives: the pack's name (64 hex), the offset of its nonce in the pack, its stored
 * length (nonce + ciphertext + tag), its plaintext length, and whether it is zstd-compressed.
 */
public record IndexEntry(
        BlobId id, BlobType type, boolean compressed, String pack, long offset, int storedLength, int rawLength) {

    /** Size of one entry in pack headers and index objects. */
    public static final int SIZE = 50;

    public void write(java.nio.ByteBuffer out) {
        out.put((byte) type.code);
        out.put((byte) (compressed ? 1 : 0));
        out.put(id.bytes());
        out.putLong(offset);
        out.putInt(storedLength);
        out.putInt(rawLength);
    }

    public static IndexEntry read(java.nio.ByteBuffer in, String pack) {
        BlobType type = BlobType.of(in.get());
        int c = in.get();
        if (c != 0 && c != 1) throw new IllegalArgumentException("unknown compression " + c);
        byte[] id = new byte[32];
        in.get(id);
        long offset = in.getLong();
        int stored = in.getInt();
        int raw = in.getInt();
        if (offset < 0 || stored < Crypto.NONCE + Crypto.TAG || raw < 0) {
            throw new IllegalArgumentException("invalid entry");
        }
        return new IndexEntry(new BlobId(id), type, c == 1, pack, offset, stored, raw);
    }
}
