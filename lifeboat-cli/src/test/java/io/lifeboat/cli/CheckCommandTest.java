package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.demo.SyntheticInstance;
import io.lifeboat.testkit.PostgresExtension;
import io.lifeboat.testkit.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@ExtendWith(PostgresExtension.class)
class CheckCommandTest {
    @TempDir
    Path tmp;

    TestDatabase db;
    Path dataDir;
    SyntheticInstance.Result instance;

    /** What a run printed and returned. */
    record Run(int exit, String stdout, List<Exception> errors) {}

    @BeforeEach
    void setUp(TestDatabase db) throws Exception {
        this.db = db;
        dataDir = tmp.resolve("data");
        try (Connection c = db.connect()) {
            instance = SyntheticInstance.create(c, filestore(), SyntheticInstance.Spec.small());
        }
    }

    Path filestore() {
        return dataDir.resolve("filestore").resolve(db.name());
    }

    /** Runs a command as Main would, with the instance flags for the test database. */
    static Run run(Callable<Integer> command, TestDatabase db, Path dataDir, String... args) {
        List<String> all = new ArrayList<>(List.of(
                "--db-host",
                db.cluster().host(),
                "--db-port",
                Integer.toString(db.cluster().port()),
                "--db-user",
                db.owner(),
                "--data-dir",
                dataDir.toString(),
                "-d",
                db.name(),
                "--no-progress"));
        all.addAll(List.of(args));
        List<Exception> errors = new ArrayList<>();
        CommandLine cli = new CommandLine(command).setExecutionExceptionHandler((e, c, p) -> {
            errors.add(e);
            return e instanceof LifeboatException le && le.kind() == LifeboatException.Kind.USAGE
                    ? ExitCode.USAGE
                    : ExitCode.FAILED;
        });
        PrintStream original = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            int exit = cli.execute(all.toArray(String[]::new));
            return new Run(exit, buffer.toString(StandardCharsets.UTF_8), errors);
        } finally {
            System.setOut(original);
        }
    }

    private Run check(String... args) {
        return run(new CheckCommand(), db, dataDir, args);
    }

    /** Deletes the file of one file-backed attachment; returns its store_fname. */
    static String loseOneFile(TestDatabase db, Path filestore) throws Exception {
        try (Connection c = db.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL"
                        + " GROUP BY store_fname HAVING count(*) = 1 ORDER BY store_fname LIMIT 1")) {
            rs.next();
            String storeFname = rs.getString(1);
            Files.delete(filestore.resolve(storeFname));
            return storeFname;
        }
    }

    @Test
    void aCleanInstanceExitsZeroAndStatesItsStorageMode() {
        Run r = check();

        assertThat(r.errors()).isEmpty();
        assertThat(r.exit()).isEqualTo(ExitCode.OK);
        assertThat(r.stdout())
                .contains("ir_attachment.location = file: new attachments are stored in the filestore")
                .contains(instance.attachments() + " rows")
                .contains("fast check: " + instance.distinctFiles() + " files")
                .contains("clean: no problems found");
    }

    @Test
    void aMissingFileExitsFourWithTheRowInCsvAndInTheMetrics() throws Exception {
        String lost = loseOneFile(db, filestore());
        Path prom = tmp.resolve("textfile/lifeboat_" + db.name() + ".prom");

        Run r = check("--format", "csv", "--metrics-file", prom.toString());

        assertThat(r.exit()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0))
                .isEqualTo("kind,id,res_model,res_id,res_field,name,store_fname,file_size,create_date,detail");
        assertThat(lines)
                .filteredOn(l -> l.startsWith("missing_file,"))
                .singleElement()
                .asString()
                .contains(lost);
        assertThat(lines)
                .filteredOn(l -> l.startsWith("database_stored,"))
                .hasSize(instance.dbStoredIds().size());
        assertThat(Files.readString(prom))
                .contains("lifeboat_filestore_missing_files{db=\"" + db.name() + "\"} 1")
                .contains("lifeboat_check_last_success_timestamp_seconds{db=\"" + db.name() + "\"} ");
    }

    @Test
    void theTableGroupsByModelAndListsEveryFinding() throws Exception {
        String lost = loseOneFile(db, filestore());

        Run r = check("--deep");

        assertThat(r.exit()).isEqualTo(ExitCode.PROBLEMS_FOUND);
        assertThat(r.stdout())
                .contains("deep check: ")
                .containsPattern("KIND +RES_MODEL +ROWS +FILES +BYTES")
                .contains(lost)
                .contains("1 problem: 1 rows whose file is missing (1 files)");
    }

    @Test
    void jsonCarriesTheWholeReport() throws Exception {
        Run r = check("--json", "--deep");

        assertThat(r.exit()).isEqualTo(ExitCode.OK);
        JsonNode json = new ObjectMapper().readTree(r.stdout());
        assertThat(json.get("deep").asBoolean()).isTrue();
        assertThat(json.at("/storage/databaseRows").asLong())
                .isEqualTo(instance.dbStoredIds().size());
        assertThat(json.at("/counts/DATABASE_STORED").asLong())
                .isEqualTo(instance.dbStoredIds().size());
        assertThat(json.at("/totals/hashedFiles").asLong()).isEqualTo(instance.distinctFiles());
    }

    @Test
    void anUnknownFormatIsAUsageError() {
        Run r = check("--format", "xml");

        assertThat(r.exit()).isEqualTo(ExitCode.USAGE);
        assertThat(r.errors()).singleElement().extracting(Throwable::getMessage).isEqualTo("unknown format: xml");
    }
}
