package io.lifeboat.odoozip;

import java.nio.charset.StandardCharsets;

/** Recognises already-compressed content by its first bytes, so it is stored instead of deflated. */
final class ContentSniffer {
    private ContentSniffer() {}

    private static final byte[][] PREFIXES = {
        {(byte) 0x89, 'P', 'N', 'G'}, // PNG
        {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, // JPEG
        {'G', 'I', 'F', '8'}, // GIF
        {'%', 'P', 'D', 'F'}, // PDF
        {'P', 'K', 3, 4}, // ZIP, and so docx/xlsx/odt
        {(byte) 0x1F, (byte) 0x8B}, // gzip
        {(byte) 0x28, (byte) 0xB5, (byte) 0x2F, (byte) 0xFD}, // zstd
        {'B', 'Z', 'h'}, // bzip2
        {(byte) 0xFD, '7', 'z', 'X', 'Z', 0}, // xz
        {'7', 'z', (byte) 0xBC, (byte) 0xAF, (byte) 0x27, (byte) 0x1C}, // 7-zip
        {'R', 'a', 'r', '!'}, // rar
        {(byte) 0x1A, (byte) 0x45, (byte) 0xDF, (byte) 0xA3}, // Matroska, WebM
        {'O', 'g', 'g', 'S'}, // Ogg
        {'I', 'D', '3'}, // MP3 with ID3 tag
        {'w', 'O', 'F', 'F'}, // WOFF
        {'w', 'O', 'F', '2'}, // WOFF2
    };
    private static final byte[] RIFF = "RIFF".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WEBP = "WEBP".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FTYP = "ftyp".getBytes(StandardCharsets.US_ASCII);

    /** True when {@code data[0..len)} starts like a format that deflate cannot shrink. */
    static boolean looksCompressed(byte[] data, int len) {
        for (byte[] prefix : PREFIXES) {
            if (startsWith(data, len, 0, prefix)) {
                return true;
            }
        }
        // WEBP: RIFF....WEBP; MP4, MOV, HEIC, AVIF: ....ftyp
        return (startsWith(data, len, 0, RIFF) && startsWith(data, len, 8, WEBP)) || startsWith(data, len, 4, FTYP);
    }

    private static boolean startsWith(byte[] data, int len, int at, byte[] prefix) {
        if (len < at + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (data[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
