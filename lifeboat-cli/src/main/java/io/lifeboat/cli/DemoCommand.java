package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.DemoRequest;
import io.lifeboat.api.DemoResult;
import io.lifeboat.api.DemoStep;
import java.nio.file.Path;
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
    public Integer call() {
        DemoResult result;
        try (Lifeboat lifeboat = Facades.open(null, null);
                TerminalProgress progress = out.progress()) {
            DemoRequest request = new DemoRequest(dir, attachments, filestoreMb << 20, bulkRows, step -> {
                if (out.human()) progress.say(line(step));
            });
            result = lifeboat.createDemo(request, OutputOptions.observer(progress));
        }
        if (out.json()) OutputOptions.printJson(System.out, result);
        return result.succeeded() ? ExitCode.OK : ExitCode.FAILED;
    }

    /** The line telling that {@code step} is done. */
    private static String line(DemoStep step) {
        return switch (step) {
            case DemoStep.Started s ->
                String.format("1. started a throwaway PostgreSQL %d on port %d", s.major(), s.port());
            case DemoStep.Created c ->
                String.format(
                        "2. created Odoo-like database '%s': %d attachments, %d files, %s",
                        c.database(), c.attachments(), c.distinctFiles(), Units.bytes(c.filestoreBytes()));
            case DemoStep.BackedUp b ->
                String.format(
                        "3. backed up to %s (%s, %d files) in %.1f s",
                        b.zip(),
                        Units.bytes(b.zipBytes()),
                        b.backup().files(),
                        b.backup().totalMillis() / 1000.0);
            case DemoStep.Restored r ->
                String.format(
                        "4. restored as '%s' (new database.uuid %s, neutralized) in %.1f s",
                        r.database(), r.newDatabaseUuid(), r.totalMillis() / 1000.0);
            case DemoStep.Verified v ->
                String.format(
                        "5. verified: base installed %s, %d users, %d/%d referenced files present with the right SHA-1",
                        v.baseInstalled() ? "yes" : "no", v.users(), v.presentFiles(), v.referencedFiles());
        };
    }
}
