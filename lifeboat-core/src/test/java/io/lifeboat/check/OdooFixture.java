package io.lifeboat.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.lifeboat.postgres.PgConnection;
import io.lifeboat.testkit.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Test helper: the real Odoo fixtures under {@code shared/fixtures/odoo-real}, restored the way Odoo's
 * own restore does it (psql fed with dump.sql, filestore/ extracted as is, checklist markers included).
 */
public final class OdooFixture {
    private OdooFixture() {}

    /** A fixture file, found by walking up from the working directory. */
    public static Path fixture(String name) {
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/fixtures/odoo-real").resolve(name);
            if (Files.isRegularFile(candidate)) return candidate;
            dir = dir.getParent();
        }
        throw new IllegalStateException("fixture not found above the working directory: " + name);
    }

    /** How the check reaches a test database: as its owner, the role Odoo would use. */
    public static PgConnection connection(TestDatabase db) {
        return new PgConnection(db.cluster().host(), db.cluster().port(), db.owner(), null, null);
    }

    /** Loads the zip's dump.sql into {@code db} and extracts its filestore/ into {@code filestore}. */
    public static void restore(Path zip, TestDatabase db, Path filestore) throws IOException, InterruptedException {
        try (ZipFile z = new ZipFile(zip.toFile())) {
            loadDump(z, db);
            var entries = z.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (e.isDirectory() || !e.getName().startsWith("filestore/")) continue;
                String relative = e.getName().substring("filestore/".length());
                assertThat(relative).doesNotContain("..").doesNotStartWith("/");
                Path target = filestore.resolve(relative);
                Files.createDirectories(target.getParent());
                try (InputStream in = z.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
    }

    private static void loadDump(ZipFile z, TestDatabase db) throws IOException, InterruptedException {
        Path log = Files.createTempFile("psql", ".log");
        try {
            ProcessBuilder pb = new ProcessBuilder(
                            db.cluster().binDir().resolve("psql").toString(), "-v", "ON_ERROR_STOP=1", "-q", "-f", "-")
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
            pb.environment().putAll(db.env());
            Process p = pb.start();
            try (InputStream in = z.getInputStream(z.getEntry("dump.sql"));
                    OutputStream out = p.getOutputStream()) {
                in.transferTo(out);
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue())
                    .as(Files.readString(log, StandardCharsets.UTF_8))
                    .isZero();
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
