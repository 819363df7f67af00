package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.LoadTuning;
import io.lifeboat.postgres.ParallelPlainLoader;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PlainDumpFilter;
import io.lifeboat.postgres.ProcessRunner;
import io.lifeboat.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The database half of a restore: loads the dump into the temporary database as the role the load runs as
 * (see {@link RestoreEngine}), then gives the copy its own identity and neutralizes it.
 */
final class DatabaseLoad {
    private final RestoreEngine.Target target;
    private final RestoreEngine.Options options;
    private final PgConnection loadAs;
    private final Progress progress;
    private final RestoreReport report;
    private final Path odooBin;
    private final Path odooConfig;

    /**
     * @param loadAs the role the dump is loaded and neutralized as
     * @param odooBin {@code odoo-bin} to neutralize with, or null for Lifeboat's own neutralization
     * @param odooConfig its {@code -c} file, or null
     */
    DatabaseLoad(
            RestoreEngine.Target target,
            RestoreEngine.Options options,
            PgConnection loadAs,
            Progress progress,
            RestoreReport report,
            Path odooBin,
            Path odooConfig) {
        this.target = target;
        this.options = options;
        this.loadAs = loadAs;
        this.progress = progress;
        this.report = report;
        this.odooBin = odooBin;
        this.odooConfig = odooConfig;
    }

    /** Loads the source's dump into the existing, empty database {@code db}. */
    void load(RestoreSource source, String db) throws IOException {
        DumpFormat format = source.dumpFormat().orElseThrow();
        boolean streamed = format == DumpFormat.PLAIN || (format == DumpFormat.CUSTOM && options.jobs() <= 1);
        if (streamed) progress.phase("load database", source.dumpSize().orElse(-1), "bytes");
        else progress.phase("load database", -1, "");
        var env = new HashMap<>(loadAs.env(db));
        // pg_restore's connections get the plain loader's session settings, after any of the caller's own
        env.merge("PGOPTIONS", LoadTuning.pgOptions(), (own, tuning) -> own + " " + tuning);
        if (format == DumpFormat.PLAIN) {
            if (!writtenByPgDump(source)) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "the plain SQL dump was not written by pg_dump (it does not start with pg_dump's header)",
                        "Lifeboat loads only pg_dump's output, never arbitrary SQL scripts; restore a pg_dump"
                                + " dump (plain, custom or directory format) or an Odoo backup zip.");
            }
            try (InputStream dump = new PlainDumpFilter(source.openDump())) {
                ParallelPlainLoader loader = new ParallelPlainLoader(loadAs, db, Math.max(1, options.jobs()), progress);
                loader.load(dump);
                report.dumpRows = new java.util.LinkedHashMap<>(loader.rows());
            } catch (SQLException e) {
                throw new LifeboatException(
                        Kind.BAD_INPUT, "loading the dump failed: " + e.getMessage(), "The target was not changed.", e);
            } catch (UncheckedIOException e) {
                throw unwrap(e);
            }
            return;
        }
        List<String> cmd =
                new ArrayList<>(List.of(target.pgRestore().toString(), "--no-owner", "--exit-on-error", "-d", db));
        int jobs = Math.max(1, options.jobs());
        Path scratch = null;
        try {
            if (jobs > 1 || format == DumpFormat.DIRECTORY) {
                scratch = Files.createDirectories(
                                target.dataDir().resolve("lifeboat").resolve("tmp"))
                        .resolve("restore-" + RestoreEngine.randomSuffix());
                Files.createDirectories(scratch);
                Path path = source.dumpPath(scratch);
                if (jobs > 1) cmd.add("--jobs=" + jobs);
                cmd.add(path.toString());
                ProcessRunner.command(cmd)
                        .env(env)
                        .failureKind(Kind.BAD_INPUT)
                        .hint("pg_restore stopped at the first error; the target was not changed.")
                        .run();
            } else {
                try (InputStream dump = new ProgressInputStream(source.openDump(), progress)) {
                    ProcessRunner.command(cmd)
                            .env(env)
                            .stdin(dump)
                            .failureKind(Kind.BAD_INPUT)
                            .hint("pg_restore stopped at the first error; the target was not changed.")
                            .run();
                }
            }
        } finally {
            if (scratch != null) Trees.deleteQuietly(scratch);
        }
    }

    /** Copy identity and neutralization, in one transaction on the new database. */
    void finish(String db) throws SQLException {
        try (Connection c = loadAs.open(db)) {
            c.setAutoCommit(false);
            try (var st = c.createStatement()) {
                // the load committed asynchronously (LoadTuning); this commit flushes the WAL up to here
                st.execute("SET LOCAL synchronous_commit = on");
            }
            if (!Verifier.tableExists(c, "ir_config_parameter")) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "the restored database is not an Odoo database (no ir_config_parameter table)",
                        "Check that the archive is an Odoo backup.");
            }
            if (report.copy) report.newDatabaseUuid = CopyIdentity.apply(c);
            if (options.neutralize() && odooBin == null) {
                report.neutralization = Neutralizer.apply(c);
                report.neutralized = true;
            }
            c.commit();
        }
        if (options.neutralize() && odooBin != null) {
            List<String> cmd = new ArrayList<>(List.of(odooBin.toString(), "neutralize", "-d", db));
            if (odooConfig != null) cmd.addAll(List.of("-c", odooConfig.toString()));
            PgConnection pg = loadAs;
            if (pg.host() != null) cmd.addAll(List.of("--db_host", pg.host()));
            if (pg.port() != null) cmd.addAll(List.of("--db_port", Integer.toString(pg.port())));
            if (pg.user() != null) cmd.addAll(List.of("--db_user", pg.user()));
            ProcessRunner.command(cmd)
                    .env(pg.env(db))
                    .hint(
                            "Check that odoo-bin runs (Odoo 16 or newer) or restore without --odoo-bin to use Lifeboat's neutralization.")
                    .run();
            report.neutralization = List.of("odoo-bin neutralize: the neutralize.sql of every installed module");
            report.neutralized = true;
        }
    }

    /**
     * Whether a plain dump starts the way pg_dump writes it; Lifeboat's loader relies on pg_dump's entry
     * headers and loads nothing else.
     */
    static boolean writtenByPgDump(RestoreSource source) throws IOException {
        try (InputStream in = source.openDump()) {
            String head = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            return head.startsWith("--\n-- PostgreSQL database dump\n");
        }
    }

    /** The Lifeboat error that made reading the source fail, if that is what happened. */
    static RuntimeException unwrap(UncheckedIOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LifeboatException le) return le;
        }
        return e;
    }

    /** Reports bytes read as progress. */
    static final class ProgressInputStream extends java.io.FilterInputStream {
        private final Progress progress;

        ProgressInputStream(InputStream in, Progress progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) progress.advance(n);
            return n;
        }
    }
}
