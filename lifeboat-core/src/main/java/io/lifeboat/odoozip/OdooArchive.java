package io.lifeboat.odoozip;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.Printable;
import io.lifeboat.progress.Progress;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * An Odoo backup zip, validated before anything is read from it. {@link #open} rejects the archive
 * unless every entry name is a safe relative path (no absolute path, {@code ..}, backslash, drive
 * letter, NUL), no entry is a symbolic link or other special file, no name appears twice, {@code
 * dump.sql} is at the root, and every file under {@code filestore/} is named {@code
 * filestore/xx/<40 hex>} or {@code filestore/checklist/xx/<40 hex>} with {@code xx} its first two
 * characters. Entries elsewhere are ignored, as Odoo's restore ignores them, and listed in {@link
 * #warnings()}.
 *
 * <p>Every stream this class returns checks, while it is read, that the entry yields no more bytes
 * than the central directory declares, and at its end that size and CRC-32 match; damage surfaces as
 * a {@link LifeboatException} of kind INTEGRITY (read failures as {@link IOException}). The checks
 * complete only when a stream is read to its end.
 *
 * <p>Thread-safety: streams may be opened and read concurrently from several threads.
 *
 * <p>It is long because every check a hostile archive needs (central directory against local headers, names,
 * sizes, CRCs, manifest) is read in one pass here; the record layouts themselves live in CentralDirectory and
 * EntryNames.
 */
public final class OdooArchive implements Closeable {
    private static final Pattern FILESTORE_FILE =
            Pattern.compile("filestore/(checklist/)?([0-9a-fA-F]{2})/([0-9a-fA-F]{40})");
    private static final Pattern FILESTORE_DIRECTORY = Pattern.compile("filestore/(checklist/)?([0-9a-fA-F]{2}/)?");
    private static final int MANIFEST_LIMIT = 1 << 20;
    private static final Charset CP437 = Charset.forName("IBM437");
    private static final int MAX_LISTED = 10;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final String CORRUPT_HINT = "The archive is damaged or was altered; use another copy of the backup.";
    private static final String ODOO_LAYOUT_HINT =
            "An Odoo backup zip holds dump.sql and manifest.json at its root and filestore/<2 hex>/<40 hex sha1>"
                    + " files; use a zip made by Odoo's database manager or by Lifeboat.";
    private static final JsonMapper LENIENT_JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS)
            .build();

    private final Path path;
    private final ZipFile zip;
    private final ZipArchiveEntry dump;
    private final long dumpDataOffset;
    private final JsonNode manifest;
    private final List<FilestoreEntry> filestore;
    private final List<String> warnings;

    private OdooArchive(Path path, ZipFile zip) throws IOException {
        this.path = path;
        this.zip = zip;
        List<String> warn = new ArrayList<>();
        List<FilestoreEntry> files = new ArrayList<>();
        List<String> badFilestore = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Set<String> names = new HashSet<>();
        ZipArchiveEntry dumpEntry = null;
        ZipArchiveEntry manifestEntry = null;
        for (ZipArchiveEntry e : Collections.list(zip.getEntriesInPhysicalOrder())) {
            String name = rawName(e);
            checkEntry(e, name);
            if (!names.add(name)) {
                throw bad("archive has two entries named " + printable(name), CORRUPT_HINT);
            }
            boolean directory = name.endsWith("/");
            if (name.equals("dump.sql")) {
                dumpEntry = e;
            } else if (name.equals("manifest.json")) {
                manifestEntry = e;
            } else if (name.startsWith("filestore/")) {
                Matcher m = FILESTORE_FILE.matcher(name);
                if (directory) {
                    if (!FILESTORE_DIRECTORY.matcher(name).matches()) {
                        badFilestore.add(name);
                    }
                } else if (m.matches() && m.group(3).startsWith(m.group(2)) && name.equals(e.getName())) {
                    files.add(new FilestoreEntry(
                            name.substring("filestore/".length()),
                            m.group(3).toLowerCase(Locale.ROOT),
                            e.getSize(),
                            m.group(1) != null));
                } else {
                    badFilestore.add(name);
                }
            } else if (!directory) {
                ignored.add(name);
            }
        }
        if (!badFilestore.isEmpty()) {
            throw bad(
                    "archive has " + badFilestore.size() + " entries in filestore/ that are not named"
                            + " filestore/<2 hex>/<40 hex sha1>: " + list(badFilestore),
                    ODOO_LAYOUT_HINT);
        }
        if (dumpEntry == null) {
            String nested = ignored.stream()
                    .filter(n -> n.endsWith("/dump.sql"))
                    .findFirst()
                    .map(n -> " (it holds " + printable(n) + ": Odoo expects dump.sql at the root)")
                    .orElse("");
            throw bad("archive has no dump.sql at its root" + nested + ": " + path, ODOO_LAYOUT_HINT);
        }
        if (!ignored.isEmpty()) {
            warn.add("ignoring " + ignored.size() + " entries outside dump.sql, manifest.json and filestore/ (Odoo"
                    + " ignores them too): " + list(ignored));
        }
        // the entries read before anything is restored; a filestore entry's header is checked when it is opened
        dumpDataOffset = checkLocalHeader(path, dumpEntry);
        if (manifestEntry != null) checkLocalHeader(path, manifestEntry);
        this.dump = dumpEntry;
        this.filestore = List.copyOf(files);
        this.manifest = manifestEntry == null ? null : readManifest(manifestEntry, warn);
        this.warnings = List.copyOf(warn);
    }

    /**
     * Opens and validates {@code zip}.
     *
     * @throws LifeboatException USAGE if the file does not exist; BAD_INPUT if it is not a zip, is
     *     truncated or corrupt, or breaks a rule of the class comment (the message names the entry)
     * @throws IOException if the file cannot be read
     */
    public static OdooArchive open(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new LifeboatException(Kind.USAGE, "archive not found: " + zip, "Check the path of the backup.");
        }
        if (!Files.isRegularFile(zip)) {
            throw bad("archive is not a regular file: " + zip, "Pass the path of an Odoo backup zip.");
        }
        byte[] magic = new byte[4];
        int read;
        try (InputStream in = Files.newInputStream(zip)) {
            read = in.readNBytes(magic, 0, 4);
        }
        if (read < 4
                || magic[0] != 'P'
                || magic[1] != 'K'
                || !((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6))) {
            throw bad(
                    "not a zip archive: " + zip,
                    "Pass an Odoo backup zip; for a pg_dump file or plain SQL dump use ArchiveType.detect to choose"
                            + " the restore method.");
        }
        ZipFile file;
        try {
            file = ZipFile.builder()
                    .setPath(zip)
                    .setCharset(CP437) // names without the UTF-8 flag, as Python reads them
                    .setUseUnicodeExtraFields(false) // Python ignores them; validate the names Odoo would use
                    // one random read per entry on opening, 14 s for 51,000 entries on a cold cache: the
                    // local header is read (and checked) when an entry is opened instead
                    .setIgnoreLocalFileHeader(true)
                    .get();
        } catch (IOException | RuntimeException e) {
            if (e instanceof java.nio.file.AccessDeniedException) {
                throw (IOException) e;
            }
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "zip archive is truncated or corrupt: " + zip + " (" + e.getMessage() + ")",
                    "The file is incomplete or damaged (an interrupted download or copy?); use another copy of"
                            + " the backup.",
                    e);
        }
        try {
            return new OdooArchive(zip, file);
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /**
     * The parsed {@code manifest.json}, leniently (comments, trailing commas, NaN allowed); empty
     * when the archive has none or it is not a JSON object (then {@link #warnings()} says so).
     */
    public Optional<JsonNode> manifest() {
        return Optional.ofNullable(manifest);
    }

    /** Uncompressed size of {@code dump.sql} as the archive declares it; reading enforces it. */
    public long dumpSize() {
        return dump.getSize();
    }

    /**
     * {@code dump.sql}, checked as the class comment says. The caller closes it. It reads through a
     * file channel of its own: an interrupted filestore reader closes the channel shared by the
     * other entries' streams, which must not end the dump with an unexplained error.
     */
    public InputStream openDump() throws IOException {
        if (dump.getMethod() != ZipArchiveEntry.STORED && dump.getMethod() != ZipArchiveEntry.DEFLATED) {
            return openChecked(dump);
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        InputStream raw;
        try {
            channel.position(dumpDataOffset);
            boolean deflated = dump.getMethod() == ZipArchiveEntry.DEFLATED;
            InputStream bounded = new java.io.FilterInputStream(java.nio.channels.Channels.newInputStream(channel)) {
                private long left = dump.getCompressedSize();
                private boolean dummy = deflated; // a raw inflater may want one byte past the data

                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (left <= 0) {
                        if (!dummy || len == 0) return -1;
                        dummy = false;
                        b[off] = 0;
                        return 1;
                    }
                    int n = super.read(b, off, (int) Math.min(len, left));
                    if (n > 0) left -= n;
                    return n;
                }
            };
            raw = !deflated
                    ? bounded
                    : new java.util.zip.InflaterInputStream(bounded, new java.util.zip.Inflater(true), 1 << 16) {
                        @Override
                        public void close() throws IOException {
                            try {
                                super.close();
                            } finally {
                                inf.end();
                            }
                        }
                    };
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return new CheckedEntryStream(raw, dump.getName(), dump.getSize(), dump.getCrc());
    }

    /** Files and checklist markers under {@code filestore/}, in archive order. Empty if none. */
    public List<FilestoreEntry> filestoreEntries() {
        return filestore;
    }

    /** Non-fatal findings of {@link #open}, such as ignored entries or an unreadable manifest. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * One filestore entry's content, checked for size and CRC (not SHA-1). The caller closes it.
     *
     * @throws IllegalArgumentException if {@code entry} is not one of {@link #filestoreEntries()}
     */
    public InputStream open(FilestoreEntry entry) throws IOException {
        ZipArchiveEntry e = zip.getEntry(entry.entryName());
        if (e == null || e.isDirectory() || e.getSize() != entry.size()) {
            throw new IllegalArgumentException("not a filestore entry of " + path + ": " + entry.relativeName());
        }
        return openChecked(e);
    }

    /**
     * Writes every filestore entry to {@code targetDir/<relative name>} (Odoo's filestore layout:
     * {@code xx/<sha1>}, {@code checklist/xx/<sha1>}). {@code targetDir} must be an existing
     * directory, normally a fresh temporary one. Each file is written under a temporary name in its
     * final directory, optionally forced to disk, then renamed: a file exists under its real name
     * only complete and checked. Symbolic links inside the target are never followed (one found where
     * a directory is needed is an error). On failure, files already extracted stay in place for the
     * caller to remove with the directory; no partial file remains under a final name.
     *
     * @throws LifeboatException INTEGRITY on damaged data or, with {@link
     *     ExtractOptions.Sha1Check#FAIL}, content that does not hash to its name
     */
    public ExtractSummary extractFilestore(Path targetDir, ExtractOptions options, Progress progress)
            throws IOException {
        if (!Files.isDirectory(targetDir, LinkOption.NOFOLLOW_LINKS)) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "extraction target is not a directory: " + targetDir,
                    "Create the directory first; a symbolic link is not followed.");
        }
        Path root = targetDir.toAbsolutePath().normalize();
        Set<String> directories = new TreeSet<>();
        long total = 0;
        for (FilestoreEntry f : filestore) {
            String rel = f.relativeName();
            for (int slash = rel.indexOf('/'); slash >= 0; slash = rel.indexOf('/', slash + 1)) {
                directories.add(rel.substring(0, slash)); // "checklist" before "checklist/ab"
            }
            total += f.size();
        }
        for (String d : directories) {
            ensureDirectory(root.resolve(d));
        }
        progress.phase("extract filestore", total, "bytes");
        String[] mismatches = new String[filestore.size()];
        LongAdder files = new LongAdder();
        LongAdder bytes = new LongAdder();
        LongAdder markers = new LongAdder();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            byte[] buffer = new byte[1 << 16];
            MessageDigest sha1 = sha1();
            while (failure.get() == null) {
                int i = next.getAndIncrement();
                if (i >= filestore.size()) {
                    return;
                }
                FilestoreEntry f = filestore.get(i);
                try {
                    long n = extractOne(root, f, options, buffer, sha1, mismatches, i, progress);
                    if (f.checklist()) {
                        markers.increment();
                    } else {
                        files.increment();
                        bytes.add(n);
                    }
                    progress.advance(n);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        };
        int threads = Math.min(options.threads(), Math.max(1, filestore.size()));
        if (threads == 1) {
            worker.run();
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "lifeboat-extract");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(worker));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.compareAndSet(null, new java.io.InterruptedIOException("filestore extraction interrupted"));
            } catch (ExecutionException e) {
                failure.compareAndSet(null, e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            if (t instanceof IOException io) {
                throw io;
            }
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IOException(t);
        }
        if (options.fsync()) {
            for (String d : directories) {
                forceDirectory(root.resolve(d));
            }
            forceDirectory(root);
        }
        List<String> mismatchList = new ArrayList<>();
        for (String m : mismatches) {
            if (m != null) {
                mismatchList.add(m);
            }
        }
        return new ExtractSummary(files.sum(), bytes.sum(), markers.sum(), mismatchList);
    }

    private long extractOne(
            Path root,
            FilestoreEntry f,
            ExtractOptions options,
            byte[] buffer,
            MessageDigest sha1,
            String[] mismatches,
            int index,
            Progress progress)
            throws IOException {
        Path target = root.resolve(f.relativeName()).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new IllegalStateException("filestore entry escapes the target: " + f.relativeName());
        }
        Path temp = target.resolveSibling("." + target.getFileName() + ".part");
        boolean verify = options.sha1Check() != ExtractOptions.Sha1Check.OFF && !f.checklist();
        sha1.reset();
        long written = 0;
        try {
            try (InputStream in = open(f);
                    FileChannel out = FileChannel.open(
                            temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (verify) {
                        sha1.update(buffer, 0, n);
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buffer, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    written += n;
                }
                if (options.fsync()) {
                    out.force(true);
                }
            }
            if (verify) {
                String actual = HexFormat.of().formatHex(sha1.digest());
                if (!actual.equals(f.sha1())) {
                    String message =
                            "filestore file " + f.relativeName() + " does not match its name: its sha-1 is " + actual;
                    if (options.sha1Check() == ExtractOptions.Sha1Check.FAIL) {
                        throw new LifeboatException(
                                Kind.INTEGRITY,
                                message,
                                "The archive holds altered attachment content; extract with sha-1 warnings instead"
                                        + " of failures to restore it as it is.");
                    }
                    mismatches[index] = f.relativeName();
                    progress.warn(message);
                }
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return written;
    }

    /** Creates {@code dir} (its parent exists) unless it is already a real directory. */
    private static void ensureDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new LifeboatException(
                    Kind.CONFLICT,
                    "extraction target has a symbolic link or file where a directory is needed: " + dir,
                    "Extract into a fresh empty directory.",
                    e);
        }
    }

    private static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static MessageDigest sha1() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every Java runtime", e);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    // ---- validation ------------------------------------------------------------------------

    private void checkEntry(ZipArchiveEntry e, String name) {
        String problem = EntryNames.problem(name);
        if (problem != null) {
            throw bad(
                    "archive entry has an unsafe name (" + problem + "): " + printable(name),
                    "The archive tries to write outside its extraction directory; do not restore it.");
        }
        boolean directory = name.endsWith("/");
        int type = (int) ((e.getExternalAttributes() >> 16) & S_IFMT);
        if (type == S_IFLNK) {
            throw bad(
                    "archive entry " + printable(name) + " is a symbolic link",
                    "Odoo backups hold only regular files; do not restore this archive.");
        }
        if (directory ? type != 0 && type != S_IFDIR : type != 0 && type != S_IFREG) {
            throw bad(
                    "archive entry " + printable(name) + " is not a regular file or directory (unix type "
                            + Integer.toOctalString(type) + ")",
                    "Odoo backups hold only regular files; do not restore this archive.");
        }
        if (directory && (e.getSize() > 0 || e.getCompressedSize() > 2)) {
            throw bad("directory entry " + printable(name) + " has content", CORRUPT_HINT);
        }
        if (!zip.canReadEntryData(e)) {
            throw bad(
                    "archive entry " + printable(name) + " is encrypted or uses an unsupported compression method ("
                            + e.getMethod() + ")",
                    "Re-create the zip without encryption, with deflate or no compression, as Odoo does.");
        }
        if (e.getSize() < 0 || e.getCompressedSize() < 0) {
            throw bad("archive entry " + printable(name) + " has no declared size", CORRUPT_HINT);
        }
        if (e.getMethod() == ZipArchiveEntry.STORED && e.getSize() != e.getCompressedSize()) {
            throw bad(
                    "stored archive entry " + printable(name) + " declares " + e.getSize() + " bytes but holds "
                            + e.getCompressedSize(),
                    CORRUPT_HINT);
        }
    }

    /**
     * Refuses an entry whose local file header does not start where the central directory says, or
     * names another file: readers that scan local headers (streaming unzip, some antivirus) would
     * then see other names than the ones validated here. Python's {@code zipfile}, which Odoo
     * uses, refuses such an entry too. Returns the offset of the entry's data.
     */
    private static long checkLocalHeader(Path path, ZipArchiveEntry e) throws IOException {
        byte[] central = e.getRawName();
        ByteBuffer header = ByteBuffer.allocate(30 + central.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long at = e.getLocalHeaderOffset();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            while (header.hasRemaining() && channel.read(header, at + header.position()) >= 0) {
                // read until full or end of file
            }
        }
        String name = printable(rawName(e));
        if (header.position() < 30 || header.getInt(0) != 0x04034b50) {
            throw bad(
                    "archive entry " + name + " has no local file header where the central directory says",
                    CORRUPT_HINT);
        }
        int length = Short.toUnsignedInt(header.getShort(26));
        byte[] local = new byte[Math.min(length, header.position() - 30)];
        header.get(30, local);
        if (length != central.length || !java.util.Arrays.equals(local, central)) {
            Charset charset = (header.getShort(6) & 0x800) != 0 ? StandardCharsets.UTF_8 : CP437;
            throw bad(
                    "archive entry " + name + " has another name in its local file header: "
                            + printable(new String(local, charset)) + (length > local.length ? "..." : ""),
                    "The archive was crafted to show different names to different tools; do not restore it.");
        }
        return at + 30 + length + Short.toUnsignedInt(header.getShort(28));
    }

    /**
     * The name exactly as the central directory stores it, decoded as Python's {@code zipfile} does
     * (UTF-8 with the language-encoding flag, else code page 437): Commons Compress would turn
     * backslashes into slashes in some names.
     */
    private static String rawName(ZipArchiveEntry e) {
        Charset charset = e.getGeneralPurposeBit().usesUTF8ForNames() ? StandardCharsets.UTF_8 : CP437;
        return new String(e.getRawName(), charset);
    }

    private JsonNode readManifest(ZipArchiveEntry entry, List<String> warn) throws IOException {
        if (entry.getSize() > MANIFEST_LIMIT) {
            warn.add("ignoring manifest.json: larger than " + MANIFEST_LIMIT + " bytes");
            return null;
        }
        byte[] bytes;
        try (InputStream in = openChecked(entry)) {
            bytes = in.readAllBytes();
        }
        try {
            JsonNode node = LENIENT_JSON.readTree(bytes);
            if (node != null && node.isObject()) {
                return node;
            }
            warn.add("ignoring manifest.json: not a JSON object");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            warn.add("ignoring manifest.json: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        return null;
    }

    private InputStream openChecked(ZipArchiveEntry e) throws IOException {
        checkLocalHeader(path, e);
        InputStream raw;
        try {
            synchronized (zip) { // resolving the data offset lazily reads through buffers of the ZipFile
                raw = zip.getInputStream(e);
            }
        } catch (IllegalArgumentException | java.util.zip.ZipException ex) {
            throw new LifeboatException(
                    Kind.INTEGRITY, "zip entry " + e.getName() + " is corrupt: " + ex.getMessage(), CORRUPT_HINT, ex);
        }
        return new CheckedEntryStream(raw, e.getName(), e.getSize(), e.getCrc());
    }

    private static LifeboatException bad(String message, String hint) {
        return new LifeboatException(Kind.BAD_INPUT, message, hint);
    }

    private static String list(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(names.size(), MAX_LISTED); i++) {
            sb.append(i == 0 ? "" : ", ").append(printable(names.get(i)));
        }
        if (names.size() > MAX_LISTED) {
            sb.append(" and ").append(names.size() - MAX_LISTED).append(" more");
        }
        return sb.toString();
    }

    /** The name with control characters escaped, safe to print. */
    private static String printable(String name) {
        return Printable.of(name);
    }
}
