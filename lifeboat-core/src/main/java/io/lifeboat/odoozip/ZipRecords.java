package io.lifeboat.odoozip;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;

/**
 * The bytes of the zip records {@link OdooZipWriter} writes: local header, data descriptor, central
 * directory header and the end records (ZIP64 ones when needed), as its class comment describes.
 */
final class ZipRecords {
    static final long MAX32 = 0xFFFFFFFFL;
    static final int MAX16 = 0xFFFF;
    static final int STORED = 0;
    static final int DEFLATED = 8;

    private static final int FLAG_DATA_DESCRIPTOR = 1 << 3;
    private static final int FLAG_UTF8 = 1 << 11;
    private static final int UNIX_REGULAR_FILE_0644 = 0100644;
    private static final int VERSION_MADE_BY = (3 << 8) | 45; // Unix, spec 4.5

    /** One entry's metadata; fields filled as its data are produced and written. */
    static final class Entry {
        final String name;
        final byte[] nameBytes;
        final Instant time;
        int method;
        boolean streamed;
        boolean zip64Local;
        long crc;
        long size;
        long compressedSize;
        long offset;

        Entry(String name, byte[] nameBytes, Instant time) {
            this.name = name;
            this.nameBytes = nameBytes;
            this.time = time;
        }
    }

    private final boolean forceZip64;
    private final boolean extendedTimestamp;

    ZipRecords(ZipOptions options) {
        this.forceZip64 = options.forceZip64();
        this.extendedTimestamp = options.extendedTimestamp();
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private int extendedTimestampSeconds(Entry e) {
        long seconds = e.time.getEpochSecond();
        return extendedTimestamp && seconds >= 0 && seconds <= Integer.MAX_VALUE ? (int) seconds : -1;
    }

    private static int dosTime(Instant time) {
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneId.systemDefault());
        if (t.getYear() < 1980) {
            t = LocalDateTime.of(1980, 1, 1, 0, 0);
        } else if (t.getYear() > 2107) {
            t = LocalDateTime.of(2107, 12, 31, 23, 59, 58);
        }
        int date = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int clock = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() >> 1);
        return (date << 16) | clock;
    }

    byte[] localHeader(Entry e) {
        int unixTime = extendedTimestampSeconds(e);
        int extraLength = (e.zip64Local ? 20 : 0) + (unixTime >= 0 ? 9 : 0);
        ByteBuffer b = le(30 + e.nameBytes.length + extraLength);
        int flags = FLAG_UTF8 | (e.streamed ? FLAG_DATA_DESCRIPTOR : 0);
        b.putInt(0x04034b50);
        b.putShort((short) (e.zip64Local ? 45 : e.method == DEFLATED ? 20 : 10));
        b.putShort((short) flags).putShort((short) e.method).putInt(dosTime(e.time));
        b.putInt(e.streamed ? 0 : (int) e.crc);
        if (e.zip64Local) {
            b.putInt((int) MAX32).putInt((int) MAX32);
        } else {
            b.putInt(e.streamed ? 0 : (int) e.compressedSize).putInt(e.streamed ? 0 : (int) e.size);
        }
        b.putShort((short) e.nameBytes.length).putShort((short) extraLength).put(e.nameBytes);
        if (e.zip64Local) {
            b.putShort((short) 0x0001).putShort((short) 16);
            b.putLong(e.streamed ? 0 : e.size).putLong(e.streamed ? 0 : e.compressedSize);
        }
        if (unixTime >= 0) {
            b.putShort((short) 0x5455).putShort((short) 5).put((byte) 1).putInt(unixTime);
        }
        return b.array();
    }

    static byte[] dataDescriptor(Entry e) {
        boolean wide = e.zip64Local || e.size >= MAX32 || e.compressedSize >= MAX32;
        ByteBuffer b = le(wide ? 24 : 16);
        b.putInt(0x08074b50).putInt((int) e.crc);
        if (wide) {
            b.putLong(e.compressedSize).putLong(e.size);
        } else {
            b.putInt((int) e.compressedSize).putInt((int) e.size);
        }
        return b.array();
    }

    byte[] centralHeader(Entry e) {
        boolean force = forceZip64;
        boolean bigSize = force || e.size >= MAX32;
        boolean bigCompressed = force || e.compressedSize >= MAX32;
        boolean bigOffset = force || e.offset >= MAX32;
        int zip64Length = (bigSize ? 8 : 0) + (bigCompressed ? 8 : 0) + (bigOffset ? 8 : 0);
        int unixTime = extendedTimestampSeconds(e);
        int extraLength = (zip64Length > 0 ? 4 + zip64Length : 0) + (unixTime >= 0 ? 9 : 0);
        boolean zip64 = zip64Length > 0 || e.zip64Local;
        ByteBuffer b = le(46 + e.nameBytes.length + extraLength);
        int flags = FLAG_UTF8 | (e.streamed ? FLAG_DATA_DESCRIPTOR : 0);
        b.putInt(0x02014b50).putShort((short) VERSION_MADE_BY);
        b.putShort((short) (zip64 ? 45 : e.method == DEFLATED ? 20 : 10));
        b.putShort((short) flags)
                .putShort((short) e.method)
                .putInt(dosTime(e.time))
                .putInt((int) e.crc);
        b.putInt((int) (bigCompressed ? MAX32 : e.compressedSize));
        b.putInt((int) (bigSize ? MAX32 : e.size));
        b.putShort((short) e.nameBytes.length).putShort((short) extraLength);
        b.putShort((short) 0).putShort((short) 0).putShort((short) 0); // comment, disk, internal attrs
        b.putInt(UNIX_REGULAR_FILE_0644 << 16);
        b.putInt((int) (bigOffset ? MAX32 : e.offset));
        b.put(e.nameBytes);
        if (zip64Length > 0) {
            b.putShort((short) 0x0001).putShort((short) zip64Length);
            if (bigSize) {
                b.putLong(e.size);
            }
            if (bigCompressed) {
                b.putLong(e.compressedSize);
            }
            if (bigOffset) {
                b.putLong(e.offset);
            }
        }
        if (unixTime >= 0) {
            b.putShort((short) 0x5455).putShort((short) 5).put((byte) 1).putInt(unixTime);
        }
        return b.array();
    }

    /**
     * The records after a central directory of {@code count} entries and {@code size} bytes at
     * {@code offset}, written at {@code at} (just after it): the ZIP64 end record and locator when a
     * value overflows (or ZIP64 is forced), then the end of central directory record.
     */
    byte[] endRecords(long count, long offset, long size, long at) {
        boolean force = forceZip64;
        boolean zip64 = force || count >= MAX16 || offset >= MAX32 || size >= MAX32;
        ByteBuffer b = le((zip64 ? 56 + 20 : 0) + 22);
        if (zip64) {
            b.putInt(0x06064b50).putLong(44).putShort((short) VERSION_MADE_BY).putShort((short) 45);
            b.putInt(0).putInt(0).putLong(count).putLong(count).putLong(size).putLong(offset);
            b.putInt(0x07064b50).putInt(0).putLong(at).putInt(1);
        }
        short count16 = (short) (force || count >= MAX16 ? MAX16 : count);
        b.putInt(0x06054b50)
                .putShort((short) 0)
                .putShort((short) 0)
                .putShort(count16)
                .putShort(count16);
        b.putInt((int) (force || size >= MAX32 ? MAX32 : size));
        b.putInt((int) (force || offset >= MAX32 ? MAX32 : offset));
        b.putShort((short) 0);
        return b.array();
    }
}
