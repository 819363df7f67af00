package io.lifeboat.cli;

import io.lifeboat.backup.BackupEngine;
import io.lifeboat.backup.BackupReport;
import io.lifeboat.backup.FilestoreMode;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.odoo.OdooDatabaseInfo;
import io.lifeboat.odoozip.ZipCaptureSink;
import io.lifeboat.odoozip.ZipOptions;
import io.lifeboat.odoozip.ZipRestoreSource;
import io.lifeboat.ports.DumpFormat;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.postgres.PgConnection;
import io.lifeboat.postgres.PgTools;
import io.lifeboat.restore.RestoreEngine;
import io.lifeboat.restore.RestoreReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lifeboat demo}: the whole cycle with no Odoo at hand. Starts a throwaway PostgreSQL, creates a
 * synthetic Odoo-like instance, backs it up to a zip, restores the zip as a neutralized copy and
 * verifies it, then stops the server. The zip stays in the work directory.
 */
@Command(
        name = "demo",
        description = {
            "Try Lifeboat without Odoo, on a throwaway PostgreSQL.",
            "Starts a throwaway PostgreSQL, creates a synthetic Odoo-like instance, backs it up, "
                    + "restores it as a neutralized copy, verifies it, and stops the server."
        })
final class DemoCommand implements Callable<Integer> {

    @Mixin
    OutputOptions out;

    @Option(
            names = "--dir",
            defaultValue = "lifeboat-demo",
            description = "Work directory (backup zip and data_dir). Default: ${DEFAULT-VALUE}.")
    Path dir;

    @Option(
            names = "--attachments",
            defaultValue = "500",
            description = "Attachments to generate. Default: ${DEFAULT-VALUE}.")
    int attachments;

    @Option(
            names = "--filestore-mb",
            defaultValue = "20",
            description = "Filestore size in MiB. Default: ${DEFAULT-VALUE}.")
    long filestoreMb;

    @Option(
            names = "--bulk-rows",
            defaultValue = "20000",
            description = "Rows in the bulk business tables. Default: ${DEFAULT-VALUE}.")
    long bulkRows;

    @Override
    public Integer call() throws Exception {
        Path work = Files.createDirectories(dir).toAbsolutePath();
        Path dataDir = Files.createTempDirectory(work, "data-");
        Path zip = work.resolve("demo_" + System.currentTimeMillis() + ".zip");
        try (PgCluster cluster = PgCluster.start();
                TerminalProgress progress = out.progress()) {
            if (out.human())
                progress.say(String.format(
                        "1. started a throwaway PostgreSQL %d on port %d", cluster.majorVersion(), cluster.port()));
            cluster.createRole("odoo", "LOGIN", "CREATEDB", "CREATEROLE");
            cluster.createDatabase("demo", "odoo");
            var spec = SyntheticInstance.Spec.small()
                    .withAttachments(attachments)
                    .withFilestoreBytes(filestoreMb << 20)
                    .withBulkRows(bulkRows);
            SyntheticInstance.Result created;
            try (Connection c = cluster.connect("demo", "odoo")) {
                created =
                        SyntheticInstance.create(c, dataDir.resolve("filestore").resolve("demo"), spec);
            }
            if (out.human())
                progress.say(String.format(
                        "2. created Odoo-like database 'demo': %d attachments, %d files, %s",
                        created.attachments(), created.distinctFiles(), Units.bytes(created.filestoreBytes())));
            PgConnection conn = new PgConnection(cluster.host(), cluster.port(), "odoo", null, null);
            PgTools tools = PgTools.find(cluster.majorVersion(), cluster.binDir());
            BackupReport backup = new BackupEngine(
                            new BackupEngine.Instance(
                                    conn,
                                    "demo",
                                    dataDir.resolve("filestore").resolve("demo"),
                                    tools.pgDump().path()),
                            new BackupEngine.Options(DumpFormat.PLAIN, -1, FilestoreMode.REFERENCED, true),
                            progress)
                    .run(
                            ZipCaptureSink.toFile(zip, ZipOptions.defaults(), true),
                            (c, db) -> OutputOptions.JSON.valueToTree(
                                    OdooDatabaseInfo.read(c).toManifest()));
            if (out.human())
                progress.say(String.format(
                        "3. backed up to %s (%s, %d files) in %.1f s",
                        zip, Units.bytes(Files.size(zip)), backup.files, backup.totalMillis / 1000.0));
            RestoreReport restore;
            try (var source = new ZipRestoreSource(zip)) {
                restore = new RestoreEngine(
                                RestoreEngine.Target.of(conn, dataDir, tools),
                                new RestoreEngine.Options(
                                        "demo_copy", RestoreEngine.Mode.FULL, null, true, 2, false, true, false),
                                progress)
                        .run(source);
            }
            var ver = restore.verification;
            if (out.human()) {
                progress.say(String.format(
                        "4. restored as 'demo_copy' (new database.uuid %s, neutralized) in %.1f s",
                        restore.newDatabaseUuid, restore.totalMillis / 1000.0));
                progress.say(String.format(
                        "5. verified: base installed %s, %d users, %d/%d referenced files present with the right SHA-1",
                        ver.baseInstalled ? "yes" : "no", ver.users, ver.presentFiles, ver.referencedFiles));
            }
            if (out.json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("backup", backup);
                m.put("restore", restore);
                OutputOptions.printJson(System.out, m);
            }
            boolean ok = ver.baseInstalled && ver.missingFiles == 0 && ver.presentFiles == ver.referencedFiles;
            return ok ? ExitCode.OK : ExitCode.FAILED;
        } finally {
            // the zip stays; the data directory goes
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
