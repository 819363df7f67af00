package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.BucketFilestore;
import io.lifeboat.api.CheckFinding;
import io.lifeboat.api.CheckFindingKind;
import io.lifeboat.api.CheckRequest;
import io.lifeboat.api.CheckResult;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lifeboat check}: compares ir_attachment with the filestore, read-only. */
@Command(
        name = "check",
        description = {
            "Compare an Odoo database's attachments with its filestore, read-only.",
            "Finds files missing, orphans, corrupt content (--deep), sizes and checksums that disagree, "
                    + "unsafe store_fname values. Writes nothing to the database or the filestore; a role that "
                    + "may only SELECT suffices.",
            "Exit codes: 0 clean, 4 problems found, 1 the check could not run."
        })
final class CheckCommand implements Callable<Integer> {

    @Mixin
    StanzaOptions stanza;

    @Mixin
    InstanceOptions instance;

    @Mixin
    OutputOptions out;

    @Option(
            names = {"-d", "--database"},
            description = "Database to check (default: the only one).")
    String database;

    @Option(names = "--deep", description = "Also hash every file (reads all content; otherwise existence and size).")
    boolean deep;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            description = "table (default), json or csv (the findings only). --json is the same as --format json.")
    String format;

    @Option(
            names = {"-j", "--jobs"},
            paramLabel = "N",
            description = "Threads for listing and hashing files (default: one per processor).")
    Integer jobs;

    /** The former name of {@code --jobs}, still accepted. */
    @Option(names = "--threads", hidden = true, paramLabel = "N")
    Integer threads;

    @Option(
            names = "--metrics-file",
            paramLabel = "FILE",
            description = "Also write Prometheus metrics to FILE (replaced atomically), e.g. for node_exporter's"
                    + " textfile collector. Not written when the check fails to run.")
    Path metricsFile;

    @Mixin
    BucketOptions bucket;

    @Override
    public Integer call() throws Exception {
        String fmt = out.json() ? "json" : format == null ? "table" : format.toLowerCase(Locale.ROOT);
        if (!List.of("table", "json", "csv").contains(fmt)) {
            throw new LifeboatException(Kind.USAGE, "unknown format: " + format, "Use table, json or csv.");
        }
        Integer n = jobs != null ? jobs : threads != null ? threads : instance.stanzaJobs("--jobs");
        CheckRequest request = new CheckRequest(database, deep, n, metricsFile);
        BucketFilestore b = bucket.filestore();
        if (b != null) request = request.inBucket(b);

        // Check, read-only (a wrong data_dir is one error, not a finding per referenced file); the
        // metrics for monitoring are written with it. Then the report.
        try (Lifeboat lifeboat = Facades.open(instance, null)) {
            CheckResult report;
            try (TerminalProgress progress = out.progress()) {
                report = lifeboat.check(request, OutputOptions.observer(progress));
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            switch (fmt) {
                case "json" -> OutputOptions.printJson(System.out, report);
                case "csv" -> {
                    var w = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
                    lifeboat.writeFindingsCsv(report.findings(), w);
                }
                default -> {
                    if (!out.quiet) print(report, System.out);
                }
            }
            if (!fmt.equals("table") || out.quiet) report.warnings().forEach(w -> System.err.println("warning: " + w));
            return report.clean() ? ExitCode.OK : ExitCode.PROBLEMS_FOUND;
        }
    }

    /** The human-readable report: storage mode, totals, summary by model, every finding. */
    static void print(CheckResult r, PrintStream o) {
        CheckResult.Totals t = r.totals();
        o.printf("database %s, filestore %s%n", r.database(), r.filestore());
        o.println(r.storage().describe());
        o.printf(
                "%s check: %d files (%s), %d referenced, %d garbage-collection markers%s, in %.1f s%n",
                r.deep() ? "deep" : "fast",
                t.files(),
                Units.bytes(t.bytes()),
                t.referencedFiles(),
                t.markers(),
                r.deep() ? ", " + t.hashedFiles() + " hashed (" + Units.bytes(t.hashedBytes()) + ")" : "",
                r.seconds());
        r.warnings().forEach(w -> o.println("warning: " + w));
        if (!r.byModel().isEmpty()) {
            o.println();
            Table summary = new Table("KIND", "RES_MODEL", "ROWS", "FILES", "BYTES").right(2, 3, 4);
            for (CheckResult.ModelSummary m : r.byModel()) {
                summary.row(kind(m.kind()), m.resModel(), m.rows(), m.files(), Units.bytes(m.bytes()));
            }
            summary.print(o);
        }
        if (!r.findings().isEmpty()) {
            o.println();
            Table list = new Table(
                            "KIND",
                            "ID",
                            "RES_MODEL",
                            "RES_ID",
                            "RES_FIELD",
                            "NAME",
                            "STORE_FNAME",
                            "FILE_SIZE",
                            "CREATE_DATE",
                            "DETAIL")
                    .right(1, 3, 7);
            for (CheckFinding f : r.findings()) {
                list.row(
                        kind(f.kind()),
                        f.id(),
                        f.resModel(),
                        f.resId(),
                        f.resField(),
                        Table.clip(f.name(), 40),
                        f.storeFname(),
                        f.fileSize(),
                        f.createDate(),
                        f.detail());
            }
            list.print(o);
        }
        o.println();
        o.println(verdict(r));
    }

    /** One line: clean, or the problems by kind. */
    static String verdict(CheckResult r) {
        if (r.clean()) {
            long orphansMarked = r.count(CheckFindingKind.ORPHAN_MARKED_FOR_GC);
            return "clean: no problems found"
                    + (orphansMarked > 0 ? " (" + orphansMarked + " orphans await Odoo's garbage collection)" : "");
        }
        List<String> parts = new ArrayList<>();
        for (CheckFindingKind k : CheckFindingKind.values()) {
            if (!k.problem() || r.count(k) == 0) continue;
            String files =
                    k == CheckFindingKind.MISSING_FILE ? " (" + r.totals().missingFiles() + " files)" : "";
            parts.add(r.count(k) + " " + k.label() + files);
        }
        return r.problems() + (r.problems() == 1 ? " problem: " : " problems: ") + String.join(", ", parts);
    }

    static String kind(CheckFindingKind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }

    /** A text table with columns as wide as their widest cell; null cells print as {@code -}. */
    static final class Table {
        private final String[] header;
        private final boolean[] right;
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            this.header = header;
            this.right = new boolean[header.length];
        }

        /** Right-aligns the given columns (numbers). */
        Table right(int... columns) {
            for (int c : columns) right[c] = true;
            return this;
        }

        Table row(Object... cells) {
            String[] r = new String[header.length];
            for (int i = 0; i < r.length; i++) {
                Object v = i < cells.length ? cells[i] : null;
                r[i] = v == null || v.toString().isEmpty() ? "-" : v.toString().replace('\n', ' ');
            }
            rows.add(r);
            return this;
        }

        void print(PrintStream o) {
            int[] width = new int[header.length];
            for (int i = 0; i < header.length; i++) width[i] = header[i].length();
            for (String[] r : rows) {
                for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
            }
            line(o, header, width);
            for (String[] r : rows) line(o, r, width);
        }

        private void line(PrintStream o, String[] cells, int[] width) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < cells.length; i++) {
                if (i > 0) b.append("  ");
                String pad = " ".repeat(width[i] - cells[i].length());
                b.append(right[i] ? pad + cells[i] : i == cells.length - 1 ? cells[i] : cells[i] + pad);
            }
            o.println(b.toString().stripTrailing());
        }

        static String clip(String s, int max) {
            return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
        }

        @Override
        public String toString() {
            return Arrays.toString(header) + " " + rows.size() + " rows";
        }
    }
}
