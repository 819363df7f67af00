package io.lifeboat.odoozip;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Helpers shared by the archive tests: fixtures, external tools, content generators. */
final class ArchiveTestSupport {
    private ArchiveTestSupport() {}

    /** Python doing exactly what Odoo's restore_db does with a zip, then listing what it extracted. */
    static final String ODOO_RESTORE_PY = """
            import hashlib, json, os, sys, zipfile
            src, dst = sys.argv[1], sys.argv[2]
            with zipfile.ZipFile(src, 'r') as z:
                bad = z.testzip()
                # odoo.service.db.restore_db: only extract known members
                filestore = [m for m in z.namelist() if m.startswith('filestore/')]
                z.extractall(dst, ['dump.sql'] + filestore)
            files = {}
            for root, dirs, names in os.walk(dst):
                for n in names:
                    p = os.path.join(root, n)
                    with open(p, 'rb') as fh:
                        files[os.path.relpath(p, dst)] = hashlib.sha1(fh.read()).hexdigest()
            print(json.dumps({'bad': bad, 'files': files}))
            """;

    /** The directory of real Odoo backups, found by walking up from the working directory. */
    static Path fixtures() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/odoo-real");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "shared/fixtures/odoo-real not found above " + Path.of("").toAbsolutePath());
    }

    record Result(int exit, String output) {}

    /** Runs a command (failing the test if it cannot start), merging stderr into the output. */
    static Result run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished", command).isTrue();
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result runOk(String... command) throws IOException, InterruptedException {
        Result r = run(List.of(command));
        assertThat(r.exit())
                .as("exit code of %s; output:%n%s", List.of(command), r.output())
                .isZero();
        return r;
    }

    /** Python's zipfile test, the CLI Odoo's Python ships: exit 0 and no corrupted member. */
    static void assertPythonZipfileTestPasses(Path zip) throws IOException, InterruptedException {
        Result r = runOk("python3", "-m", "zipfile", "-t", zip.toString());
        assertThat(r.output()).contains("Done testing").doesNotContain("corrupted");
    }

    static void assertUnzipTestPasses(Path zip) throws IOException, InterruptedException {
        Result r = runOk("unzip", "-tqq", zip.toString());
        assertThat(r.output()).doesNotContainIgnoringCase("error");
    }

    static String sha1(byte[] data) {
        return HexFormat.of().formatHex(digest().digest(data));
    }

    static String sha1(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SQL-dump-like text: compressible but not trivially so. */
    static byte[] sqlText(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 200);
        sb.append("--\n-- PostgreSQL database dump\n--\n\nCOPY public.res_partner (id, name, email) FROM stdin;\n");
        int id = 1;
        while (sb.length() < size) {
            sb.append(id++)
                    .append('\t')
                    .append("Partner ")
                    .append(r.nextInt(100_000))
                    .append('\t')
                    .append("user")
                    .append(r.nextInt(1_000_000))
                    .append("@example.com\n");
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.copyOf(all, size);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Random bytes behind a PNG signature: what a photo looks like to a compressor. */
    static byte[] pngLike(int size, long seed) {
        byte[] b = randomBytes(size, seed);
        byte[] magic = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        System.arraycopy(magic, 0, b, 0, Math.min(magic.length, size));
        return b;
    }

    /** Every path below {@code dir}, relative, sorted; directories end with '/'. */
    static List<String> tree(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted()::iterator) {
                if (p.equals(dir)) {
                    continue;
                }
                String rel = dir.relativize(p).toString();
                out.add(Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) ? rel + "/" : rel);
            }
        }
        return out;
    }
}
