package io.lifeboat.usecase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.Cancellation;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.RestoreRequest;
import io.lifeboat.api.RestoreResult;
import io.lifeboat.api.RollbackRequest;
import io.lifeboat.api.RollbackResult;
import io.lifeboat.postgres.PgCluster;
import io.lifeboat.runs.RunLedger;
import io.lifeboat.testkit.OdooFixtures;
import io.lifeboat.testkit.PostgresExtension;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The restore use cases through the facade, against a real cluster and a real Odoo backup. */
@ExtendWith(PostgresExtension.class)
class RestoresTest {

    @TempDir
    Path tmp;

    PgCluster cluster;
    Path dataDir;
    /** A real Odoo 17 backup: 59 files in its filestore. */
    Path zip;
    /** A smaller one (Odoo 16, base only), where the size of the backup does not matter. */
    Path small;

    Lifeboat lifeboat;
    final List<String> made = new ArrayList<>();

    @BeforeEach
    void setUp(PgCluster cluster) {
        this.cluster = cluster;
        dataDir = tmp.resolve("data");
        zip = OdooFixtures.path(OdooFixtures.ODOO17_ZIP);
        small = OdooFixtures.path(OdooFixtures.ODOO16_ZIP);
        // no odoo.conf: HOME is an empty directory
        lifeboat = open(cluster, dataDir, tmp);
    }

    /** A facade on the test cluster as the Odoo role, with {@code dataDir}; no odoo.conf ({@code home} is empty). */
    static Lifeboat open(PgCluster cluster, Path dataDir, Path home) {
        InstanceSettings instance = new InstanceSettings(
                null,
                cluster.host(),
                cluster.port(),
                PostgresExtension.ODOO_ROLE,
                null,
                null,
                dataDir,
                null,
                cluster.binDir(),
                null,
                null);
        return Lifeboat.open(LifeboatSettings.of(instance, Map.of("HOME", home.toString())));
    }

    @AfterEach
    void tearDown() throws SQLException {
        lifeboat.close();
        for (String db : made) {
            for (String name : cluster.databases()) {
                if (name.equals(db) || name.startsWith(db + "_lbold_")) cluster.dropDatabase(name);
            }
        }
    }

    private String target() {
        String name = "uc_" + Long.toHexString(System.nanoTime());
        made.add(name);
        return name;
    }

    /** The events of one operation, in the order they arrived. */
    static final class Events {
        final List<ProgressEvent> all = new CopyOnWriteArrayList<>();

        Observer observer(Cancellation cancellation) {
            return new Observer("op-1", all::add, cancellation);
        }

        List<String> phases() {
            return all.stream()
                    .filter(e -> e.type() == ProgressEvent.Type.PHASE)
                    .map(ProgressEvent::phase)
                    .toList();
        }
    }

    @Test
    void restoresAZipIntoANewDatabaseReportingProgress() throws Exception {
        String target = target();
        Events events = new Events();

        RestoreResult result = lifeboat.restore(
                RestoreRequest.of(RestoreRequest.Source.file(zip), target), events.observer(new Cancellation()));

        assertThat(result.dryRun()).isFalse();
        RestoreResult.Restored r = result.restored();
        assertThat(r.source()).isEqualTo(zip.toString());
        assertThat(r.target()).isEqualTo(target);
        assertThat(r.mode()).isEqualTo("full");
        assertThat(r.copy()).isTrue();
        assertThat(r.isolated()).isTrue();
        assertThat(r.files()).isEqualTo(59);
        assertThat(r.verification().baseInstalled()).isTrue();
        assertThat(r.verification().missingFiles()).isZero();
        assertThat(r.warnings()).isEmpty();
        assertThat(cluster.databases()).contains(target);
        assertThat(regularFiles(dataDir.resolve("filestore").resolve(target))).isGreaterThanOrEqualTo(59);

        // progress: the load and the filestore as phases, their units as advances, all of this operation
        assertThat(events.phases()).contains("load database", "restore filestore", "verify");
        assertThat(events.all).allSatisfy(e -> assertThat(e.operation()).isEqualTo("op-1"));
        assertThat(events.all)
                .filteredOn(e -> e.type() == ProgressEvent.Type.ADVANCE && "restore filestore".equals(e.phase()))
                .hasSize(59)
                .last()
                .satisfies(e -> assertThat(e.filesDone()).isEqualTo(59));
        assertThat(events.all)
                .filteredOn(e -> e.type() == ProgressEvent.Type.ADVANCE && "load database".equals(e.phase()))
                .isNotEmpty();

        // the JSON the CLI prints: the report's keys, in its order
        JsonNode json = new ObjectMapper().valueToTree(result);
        assertThat(fieldNames(json))
                .containsExactly(
                        "source",
                        "target",
                        "mode",
                        "copy",
                        "neutralized",
                        "neutralization",
                        "newDatabaseUuid",
                        "dumpFormat",
                        "owner",
                        "isolated",
                        "files",
                        "fileBytes",
                        "loadMillis",
                        "filestoreMillis",
                        "totalMillis",
                        "rollbackDatabase",
                        "rollbackFilestore",
                        "verification",
                        "warnings",
                        "notes",
                        "dumpRows");
        assertThat(fieldNames(json.path("verification")))
                .containsExactly(
                        "baseInstalled",
                        "users",
                        "filesChecked",
                        "referencedFiles",
                        "presentFiles",
                        "missingFiles",
                        "corruptFiles",
                        "missing",
                        "missingAttachmentIds");
        assertNothingLeft(target);
    }

    @Test
    void aRestoreCancelledOnceTheDatabaseLoadStartsLeavesNothingBehind() throws Exception {
        String target = target();
        Cancellation cancellation = new Cancellation();
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        Observer observer = new Observer(
                null,
                e -> {
                    events.add(e);
                    if (e.type() == ProgressEvent.Type.PHASE && e.phase().equals("load database")) {
                        cancellation.cancel("test");
                    }
                },
                cancellation);

        assertThatThrownBy(() -> lifeboat.restore(RestoreRequest.of(RestoreRequest.Source.file(zip), target), observer))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED))
                .hasMessageContaining("cancelled: test");

        assertThat(events).anySatisfy(e -> assertThat(e.phase()).isEqualTo("load database"));
        assertThat(cluster.databases()).doesNotContain(target);
        assertThat(cluster.databases()).noneMatch(d -> d.contains("_lbnew_"));
        assertThat(restoreRoles()).isEmpty();
        assertThat(filestoreDirectories()).isEmpty();
        assertNothingLeft(target);
    }

    @Test
    void aStreamIsSpooledRestoredAndRemoved() throws Exception {
        String target = target();
        RestoreResult result;
        try (InputStream in = Files.newInputStream(small)) {
            Events events = new Events();
            result = lifeboat.restore(
                    RestoreRequest.of(RestoreRequest.Source.stream(in, "standard input"), target),
                    events.observer(null));
            assertThat(events.phases()).startsWith("reading standard input");
        }
        assertThat(result.restored().source()).isEqualTo("standard input");
        assertThat(result.restored().files()).isPositive();
        assertThat(result.restored().verification().missingFiles()).isZero();
        try (Stream<Path> spooled = Files.list(dataDir.resolve("lifeboat").resolve("tmp"))) {
            assertThat(spooled).isEmpty();
        }
        assertNothingLeft(target);
    }

    @Test
    void aDryRunPlansAndChangesNothing() throws Exception {
        String target = target();
        RestoreRequest request =
                RestoreRequest.of(RestoreRequest.Source.file(small), target).withDryRun(true);

        RestoreResult.Plan plan = lifeboat.restore(request, null).plan();
        assertThat(plan.refused()).isNull();
        assertThat(plan.refusal()).isNull();
        assertThat(plan.copy()).isTrue();
        assertThat(plan.source()).isEqualTo(small.toString());
        assertThat(plan.dumpFormat()).isEqualTo("plain");
        assertThat(cluster.databases()).doesNotContain(target);
        assertThat(filestoreDirectories()).isEmpty();

        lifeboat.restore(RestoreRequest.of(RestoreRequest.Source.file(small), target), Observer.none());
        RestoreResult refused = lifeboat.restore(request, Observer.none());
        assertThat(refused.plan().refused()).isEqualTo("database " + target + " already exists");
        assertThat(refused.plan().refusal()).isEqualTo(Kind.CONFLICT);
        JsonNode json = new ObjectMapper().valueToTree(refused);
        assertThat(fieldNames(json))
                .containsExactly(
                        "dryRun",
                        "source",
                        "dumpFormat",
                        "target",
                        "mode",
                        "copy",
                        "neutralize",
                        "replace",
                        "replacesDatabase",
                        "replacesFilestore",
                        "refused");
        RestoreResult.Plan replacing =
                lifeboat.restore(request.withReplace(true), Observer.none()).plan();
        assertThat(replacing.replacesDatabase()).isEqualTo(target);
        assertThat(replacing.replacesFilestore())
                .isEqualTo(dataDir.resolve("filestore").resolve(target).toString());
    }

    @Test
    void aReplacedDatabaseRollsBack() throws Exception {
        String target = target();
        RestoreRequest request = RestoreRequest.of(RestoreRequest.Source.file(small), target);
        lifeboat.restore(request, Observer.none());
        RestoreResult.Restored replaced =
                lifeboat.restore(request.withReplace(true), Observer.none()).restored();
        assertThat(replaced.rollbackDatabase()).startsWith(target + "_lbold_");

        RollbackResult listed = lifeboat.rollback(RollbackRequest.list(target), Observer.none());
        assertThat(listed.points()).hasSize(1);
        assertThat(new ObjectMapper().valueToTree(listed).isArray()).isTrue();
        RollbackResult planned =
                lifeboat.rollback(RollbackRequest.rollback(target).withDryRun(true), null);
        assertThat(fieldNames(new ObjectMapper().valueToTree(planned))).containsExactly("dryRun", "wouldRestore");
        assertThat(cluster.databases()).contains(replaced.rollbackDatabase());

        RollbackResult back = lifeboat.rollback(RollbackRequest.rollback(target), Observer.none());
        assertThat(back.restored().database()).isEqualTo(replaced.rollbackDatabase());
        assertThat(cluster.databases()).doesNotContain(replaced.rollbackDatabase());
        assertThat(fieldNames(new ObjectMapper().valueToTree(back))).containsExactly("restored");

        RollbackResult gone = lifeboat.rollback(RollbackRequest.discard(target), Observer.none());
        assertThat(gone.points()).hasSize(1);
        assertThat(lifeboat.rollback(RollbackRequest.list(target), null).points())
                .isEmpty();
        assertThatThrownBy(() -> lifeboat.rollback(RollbackRequest.rollback(target), null))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(Kind.USAGE))
                .hasMessage("no rollback point for " + target);
    }

    private void assertNothingLeft(String target) throws Exception {
        assertThat(cluster.databases()).noneMatch(d -> d.startsWith(target + "_lbnew_"));
        assertThat(restoreRoles()).isEmpty();
        assertThat(RunLedger.read(dataDir)).isEmpty();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long regularFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    /** The directories under {@code <data_dir>/filestore}. */
    private List<Path> filestoreDirectories() throws Exception {
        Path root = dataDir.resolve("filestore");
        if (!Files.exists(root)) return List.of();
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.toList();
        }
    }

    private List<String> restoreRoles() throws SQLException {
        List<String> roles = new ArrayList<>();
        try (Connection c = cluster.connect("postgres");
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT rolname FROM pg_roles WHERE rolname LIKE 'lifeboat\\_restore\\_%'")) {
            while (rs.next()) roles.add(rs.getString(1));
        }
        return roles;
    }
}
