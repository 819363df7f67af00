package io.lifeboat.repository.internal;

/** What a blob holds; the byte is stored in pack headers and index objects. */
public enum BlobType {
    DATA(0),
    TREE(1);

    public final int code;

    BlobType(int code) {
        this.code = code;
    }

    public static BlobType of(int code) {
        for (BlobType t : values()) if (t.code == code) return t;
        throw new IllegalArgumentException("unknown blob type " + code);
    }
}
