package io.lifeboat.odoo;

import java.util.Locale;
import java.util.Optional;

/**
 * How an Odoo object-storage module names a content-addressed attachment, in {@code store_fname} and as
 * an object key (see docs/object-storage.md):
 *
 * <ul>
 *   <li>{@link Kind#PLAIN}: {@code store_fname} is the filestore's own {@code xx/<sha1>}, the object key is
 *       the same under the bucket's prefix (modules that read the bucket first and fall back to the local
 *       filestore); migrating changes no row.
 *   <li>{@link Kind#ATTACHMENT_S3}: {@code store_fname} is {@code s3://<bucket>/<sha1>}, the key {@code
 *       <sha1>} (camptocamp's {@code attachment_s3}); migrating rewrites the rows.
 * </ul>
 *
 * @param kind the layout
 * @param bucket for {@link Kind#ATTACHMENT_S3}, the bucket name {@code store_fname} carries; null for
 *     {@link Kind#PLAIN}
 */
public record AttachmentLayout(Kind kind, String bucket) {

    /** The layouts Lifeboat reads and writes. */
    public enum Kind {
        PLAIN,
        ATTACHMENT_S3;

        /** The name options and reports use: {@code plain}, {@code attachment_s3}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code label}, or empty. */
        public static Optional<Kind> of(String label) {
            for (Kind k : values()) if (k.label().equals(label)) return Optional.of(k);
            return Optional.empty();
        }
    }

    public AttachmentLayout {
        if (kind == null) throw new IllegalArgumentException("layout kind is required");
        if (kind == Kind.ATTACHMENT_S3) {
            if (!attachmentS3Bucket(bucket)) {
                throw new IllegalArgumentException("not an S3 bucket name: " + bucket);
            }
        } else {
            bucket = null;
        }
    }

    /** Whether {@code name} is a valid S3 bucket name. */
    public static boolean attachmentS3Bucket(String name) {
        return name != null && name.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    }

    /** The plain layout. */
    public static AttachmentLayout plain() {
        return new AttachmentLayout(Kind.PLAIN, null);
    }

    /** The attachment_s3 layout of bucket {@code bucket}. */
    public static AttachmentLayout attachmentS3(String bucket) {
        return new AttachmentLayout(Kind.ATTACHMENT_S3, bucket);
    }

    /** The {@code store_fname} this layout gives content with SHA-1 {@code sha1}. */
    public String storeFname(String sha1) {
        StoreFname local = StoreFname.ofSha1(sha1);
        return kind == Kind.PLAIN ? local.relative() : "s3://" + bucket + "/" + local.sha1();
    }

    /**
     * The SHA-1 a {@code store_fname} of this layout names, or empty when the value is not of this layout
     * (or not of the canonical, safe form: upper case, other buckets and extra path segments included).
     */
    public Optional<String> sha1Of(String storeFname) {
        if (storeFname == null) return Optional.empty();
        if (kind == Kind.PLAIN) return StoreFname.parse(storeFname).map(StoreFname::sha1);
        String head = "s3://" + bucket + "/";
        if (!storeFname.startsWith(head)) return Optional.empty();
        String sha1 = storeFname.substring(head.length());
        return isSha1(sha1) ? Optional.of(sha1) : Optional.empty();
    }

    /** Whether {@code storeFname} is of this layout. */
    public boolean matches(String storeFname) {
        return sha1Of(storeFname).isPresent();
    }

    /** For reports: {@code plain} or {@code attachment_s3 (bucket b)}. */
    public String describe() {
        return kind == Kind.PLAIN ? kind.label() : kind.label() + " (bucket " + bucket + ")";
    }

    private static boolean isSha1(String s) {
        if (s.length() != 40) return false;
        for (int i = 0; i < 40; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
