package io.lifeboat.odoozip;

import java.util.Locale;

/** How {@link OdooZipWriter} should encode an entry's content. */
public enum EntryHint {
    /** Always deflate, as Odoo does for every entry. */
    COMPRESS,
    /** Always store (method 0): for content known to be compressed already. */
    STORE,
    /**
     * Store content whose first bytes show a compressed format (PNG, JPEG, GIF, WebP, PDF, zip,
     * gzip, zstd, MP4…) or that the first block's trial deflate does not shrink; deflate the rest.
     */
    AUTO;

    /**
     * The hint for an attachment's mimetype as Odoo records it in {@code ir_attachment.mimetype}:
     * {@link #STORE} for compressed image, video, audio, PDF and archive types, {@link #AUTO} for
     * anything else (including null).
     */
    public static EntryHint forMimetype(String mimetype) {
        if (mimetype == null) {
            return AUTO;
        }
        String m = mimetype.toLowerCase(Locale.ROOT).strip();
        int semicolon = m.indexOf(';');
        if (semicolon >= 0) {
            m = m.substring(0, semicolon).strip();
        }
        if (m.startsWith("video/") || m.startsWith("audio/")) {
            return m.equals("audio/wav") || m.equals("audio/x-wav") ? AUTO : STORE;
        }
        return switch (m) {
            case "image/png",
                    "image/jpeg",
                    "image/jpg",
                    "image/gif",
                    "image/webp",
                    "image/heic",
                    "image/avif",
                    "application/pdf",
                    "application/zip",
                    "application/x-zip-compressed",
                    "application/gzip",
                    "application/x-gzip",
                    "application/zstd",
                    "application/x-7z-compressed",
                    "application/x-rar-compressed",
                    "application/vnd.rar",
                    "application/x-xz",
                    "application/x-bzip2",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    "application/vnd.oasis.opendocument.text",
                    "application/vnd.oasis.opendocument.spreadsheet",
                    "font/woff",
                    "font/woff2" -> STORE;
            default -> AUTO;
        };
    }
}
