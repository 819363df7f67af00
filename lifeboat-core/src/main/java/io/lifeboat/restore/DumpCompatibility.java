package io.lifeboat.restore;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.odoozip.DumpRestoreSource;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.ports.RestoreSource;
import io.lifeboat.postgres.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks, before anything is created, that a dump can be loaded here: a plain dump written by a
 * newer pg_dump than the target server (it may use settings and syntax the server does not know,
 * such as {@code transaction_timeout}) and an archive pg_restore cannot read are refused with a clear
 * message instead of failing half-way.
 */
final class DumpCompatibility {
    private static final Pattern DUMPED_BY = Pattern.compile("^-- Dumped by pg_dump version (\\d+)", Pattern.MULTILINE);

    private DumpCompatibility() {}

    static void check(RestoreSource source, int serverMajor, Path pgRestore) throws IOException {
        DumpFormat format = source.dumpFormat().orElseThrow();
        if (format == DumpFormat.PLAIN) {
            byte[] head;
            try (InputStream in = source.openDump()) {
                head = in.readNBytes(8192);
            }
            Matcher m = DUMPED_BY.matcher(new String(head, StandardCharsets.UTF_8));
            if (m.find() && Integer.parseInt(m.group(1)) > serverMajor) {
                throw new LifeboatException(
                        Kind.BAD_INPUT,
                        "the dump was written by pg_dump " + m.group(1) + ", newer than the target server (PostgreSQL "
                                + serverMajor + ")",
                        "Restore it into a PostgreSQL " + m.group(1) + " server or newer.");
            }
            return;
        }
        if (!(source instanceof DumpRestoreSource local)) return; // other sources hold dumps Lifeboat wrote
        Path path = local.dumpPath(null);
        var result = ProcessRunner.command(pgRestore.toString(), "--list", path.toString())
                .checkExit(false)
                .run();
        if (result.exitCode() != 0) {
            String err = result.stderrTail().strip();
            boolean newer = err.contains("unsupported version");
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    (newer
                                    ? "the dump was written by a newer pg_dump than this pg_restore can read: "
                                    : "pg_restore cannot read the dump: ")
                            + err,
                    newer
                            ? "Install a newer PostgreSQL client (postgresql-client-<N>) and pass its directory with --pg-bin."
                            : "The dump is damaged or not a pg_dump archive.");
        }
    }
}
