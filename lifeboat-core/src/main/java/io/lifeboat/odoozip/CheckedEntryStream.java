package io.lifeboat.odoozip;

import io.lifeboat.LifeboatException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipException;

/**
 * An entry's content that fails as soon as it yields more bytes than the central directory declares
 * and, at its end, unless size and CRC-32 match the declared values. Damage surfaces as a {@link
 * LifeboatException} of kind INTEGRITY; failures to read the file stay {@link IOException}s. Not
 * thread-safe.
 */
final class CheckedEntryStream extends InputStream {
    private static final String HINT = "The archive is damaged or was altered; use another copy of the backup.";

    private final InputStream in;
    private final String name;
    private final long declaredSize;
    private final long declaredCrc;
    private final CRC32 crc = new CRC32();
    private long count;
    private boolean ended;

    CheckedEntryStream(InputStream in, String name, long declaredSize, long declaredCrc) {
        this.in = in;
        this.name = name;
        this.declaredSize = declaredSize;
        this.declaredCrc = declaredCrc;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n;
        try {
            n = in.read(b, off, len);
        } catch (ZipException | EOFException e) {
            throw corrupt("zip entry " + name + " is corrupt: " + e.getMessage(), e);
        }
        if (n < 0) {
            ended = true;
            if (count != declaredSize) {
                throw corrupt(
                        "zip entry " + name + " is shorter than declared: " + count + " of " + declaredSize + " bytes",
                        null);
            }
            if (crc.getValue() != declaredCrc) {
                throw corrupt(
                        String.format(
                                "zip entry %s is corrupt: crc-32 is %08x, the archive declares %08x",
                                name, crc.getValue(), declaredCrc),
                        null);
            }
            return -1;
        }
        count += n;
        if (count > declaredSize) {
            ended = true;
            throw corrupt(
                    "zip entry " + name + " holds more data than the " + declaredSize
                            + " bytes its central directory declares",
                    null);
        }
        crc.update(b, off, n);
        return n;
    }

    private static LifeboatException corrupt(String message, Throwable cause) {
        return new LifeboatException(LifeboatException.Kind.INTEGRITY, message, HINT, cause);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
