package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files PostgreSQL hands to {@code archive_command}: what their names mean and what a segment's
 * first page says (system identifier, timeline, segment size). Only the four shapes of name
 * PostgreSQL produces are accepted, so a name can never be a path.
 *
 * @param name the file name as PostgreSQL gave it
 * @param kind which of the four shapes
 * @param timeline the timeline the name carries
 * @param segment the segment number within the timeline (log × segments-per-log + seg); -1 for
 *     history files
 */
public record WalFile(String name, Kind kind, int timeline, long segment) {

    /** The four shapes of archived file. */
    public enum Kind {
        SEGMENT,
        PARTIAL,
        BACKUP_HISTORY,
        TIMELINE_HISTORY;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final Pattern SEGMENT = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})");
    private static final Pattern PARTIAL = Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\\.partial");
    private static final Pattern BACKUP =
            Pattern.compile("([0-9A-F]{8})([0-9A-F]{8})([0-9A-F]{8})\\.[0-9A-F]{8}\\.backup");
    private static final Pattern HISTORY = Pattern.compile("([0-9A-F]{8})\\.history");

    /** Default WAL segment size (16 MiB); other sizes are read from the segment header. */
    public static final long DEFAULT_SEGMENT_SIZE = 16L * 1024 * 1024;

    private static final int XLP_LONG_HEADER = 0x0002;
    private static final int LONG_HEADER_SIZE = 40;

    /**
     * Parses an archived file's name.
     *
     * @throws LifeboatException BAD_INPUT for any other name (paths, lowercase hex, other suffixes)
     */
    public static WalFile parse(String name) {
        if (name != null) {
            Matcher m;
            if ((m = SEGMENT.matcher(name)).matches()) return of(name, Kind.SEGMENT, m);
            if ((m = PARTIAL.matcher(name)).matches()) return of(name, Kind.PARTIAL, m);
            if ((m = BACKUP.matcher(name)).matches()) return of(name, Kind.BACKUP_HISTORY, m);
            if ((m = HISTORY.matcher(name)).matches())
                return new WalFile(name, Kind.TIMELINE_HISTORY, (int) Long.parseLong(m.group(1), 16), -1);
        }
        throw new LifeboatException(
                LifeboatException.Kind.BAD_INPUT,
                "not the name of a WAL file: " + name,
                "WAL segment names are 24 uppercase hex digits, optionally followed by .partial or"
                        + " .XXXXXXXX.backup; timeline history files are 8 hex digits followed by .history.");
    }

    /** Whether {@code name} is one of the four shapes. */
    public static boolean isValid(String name) {
        try {
            parse(name);
            return true;
        } catch (LifeboatException e) {
            return false;
        }
    }

    private static WalFile of(String name, Kind kind, Matcher m) {
        int tli = (int) Long.parseLong(m.group(1), 16);
        long log = Long.parseLong(m.group(2), 16);
        long seg = Long.parseLong(m.group(3), 16);
        // segments per "log" file id: 0x100000000 / segment size; 256 for 16 MiB segments
        return new WalFile(name, kind, tli, log * 0x100L + seg);
    }

    /** The name of segment {@code segment} of {@code timeline} (16 MiB segments). */
    public static String segmentName(int timeline, long segment) {
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segment / 0x100L, segment % 0x100L);
    }

    /** The segment holding {@code lsn} (16 MiB segments). */
    public static long segmentOf(long lsn) {
        return lsn / DEFAULT_SEGMENT_SIZE;
    }

    /** Parses an LSN written as PostgreSQL writes it ({@code 16/B374D848}). */
    public static long parseLsn(String lsn) {
        int slash = lsn == null ? -1 : lsn.indexOf('/');
        if (slash < 1 || slash == lsn.length() - 1 || lsn.length() > 17)
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE, "not an LSN: " + lsn, "Write an LSN as 16/B374D848.");
        try {
            return (Long.parseLong(lsn.substring(0, slash), 16) << 32) | Long.parseLong(lsn.substring(slash + 1), 16);
        } catch (NumberFormatException e) {
            throw new LifeboatException(
                    LifeboatException.Kind.USAGE, "not an LSN: " + lsn, "Write an LSN as 16/B374D848.");
        }
    }

    /** Formats an LSN as PostgreSQL does. */
    public static String formatLsn(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFFFFFFL);
    }

    /** Whether the file is a (possibly partial) segment whose first page carries a long header. */
    public boolean isSegment() {
        return kind == Kind.SEGMENT || kind == Kind.PARTIAL;
    }

    /**
     * What a segment's first page (its long page header) says.
     *
     * @param systemId the database system identifier, as an unsigned decimal
     * @param pageTimeline the timeline of the first page (may be lower than the name's on the first
     *     segment of a new timeline)
     * @param pageAddress the LSN of the first page
     * @param segmentSize the cluster's WAL segment size
     */
    public record SegmentHeader(String systemId, int pageTimeline, long pageAddress, long segmentSize) {}

    /**
     * Reads and checks a segment's long page header from its first bytes.
     *
     * @throws LifeboatException BAD_INPUT when the bytes are not the start of a WAL segment
     */
    public SegmentHeader header(byte[] first, int length) {
        if (!isSegment()) throw new IllegalStateException(name + " is not a segment");
        if (length < LONG_HEADER_SIZE) throw notSegment("shorter than a page header");
        ByteBuffer b = ByteBuffer.wrap(first, 0, length).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getShort(0) & 0xffff;
        int info = b.getShort(2) & 0xffff;
        int tli = b.getInt(4);
        long pageAddr = b.getLong(8);
        long sysid = b.getLong(24);
        long segSize = b.getInt(32) & 0xffffffffL;
        int blcksz = b.getInt(36);
        if ((magic & 0xff00) != 0xd100 || (info & XLP_LONG_HEADER) == 0)
            throw notSegment("its first page has no WAL long page header");
        if (segSize < 1024 * 1024 || Long.bitCount(segSize) != 1 || blcksz < 1024 || Integer.bitCount(blcksz) != 1)
            throw notSegment("its page header names an impossible segment or block size");
        if (tli < 1 || Integer.compareUnsigned(tli, timeline) > 0)
            throw notSegment("its first page belongs to timeline " + Integer.toUnsignedString(tli)
                    + ", after the name's " + timeline);
        // the name is (timeline, log, seg); the segment starts at log × 4 GiB + seg × segment size
        long expected = (segment / 0x100L) * 0x100000000L + (segment % 0x100L) * segSize;
        if (pageAddr != expected)
            throw notSegment("its first page is at " + formatLsn(pageAddr) + ", not at the start of " + name);
        return new SegmentHeader(Long.toUnsignedString(sysid), tli, pageAddr, segSize);
    }

    /** Reads and checks the header of the segment in {@code file}. */
    public SegmentHeader header(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] first = in.readNBytes(LONG_HEADER_SIZE);
            return header(first, first.length);
        }
    }

    private LifeboatException notSegment(String why) {
        return new LifeboatException(
                LifeboatException.Kind.BAD_INPUT,
                name + " is not a WAL segment: " + why,
                "Archive only the files PostgreSQL hands to archive_command.");
    }

    /**
     * The database system identifier of the cluster whose data directory is {@code dataDir}: the
     * first 8 bytes of {@code global/pg_control}, little-endian, as an unsigned decimal.
     */
    public static String systemIdOf(Path dataDir) throws IOException {
        Path control = dataDir.resolve("global").resolve("pg_control");
        byte[] b;
        try (InputStream in = Files.newInputStream(control)) {
            b = in.readNBytes(8);
        }
        if (b.length != 8)
            throw new LifeboatException(
                    LifeboatException.Kind.BAD_INPUT, control + " is too short to be pg_control", null);
        return Long.toUnsignedString(
                ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }
}
