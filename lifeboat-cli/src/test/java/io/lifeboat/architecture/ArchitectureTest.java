package io.lifeboat.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md, enforced: storage knows nothing of Odoo; the formats, PostgreSQL and
 * filestore layers know nothing of the engines; the repository and the engines do not import each other
 * (the ports below both connect them); nothing below the facade knows the facade or a front end; the CLI
 * talks to the facade and its vocabulary only; no shipped class touches test code.
 */
class ArchitectureTest {
    private static final String ROOT = "io.lifeboat";
    private static JavaClasses shipped;

    @BeforeAll
    static void importShippedClasses() {
        // Test classes come from test-classes directories, or from a module's test jar once packaged.
        ImportOption notTests = location -> !location.contains("/test-classes/") && !location.contains("-tests.jar");
        shipped = new ClassFileImporter().withImportOption(notTests).importPackages(ROOT);
        for (String c : List.of(
                "io.lifeboat.Lifeboat",
                "io.lifeboat.cli.Main",
                "io.lifeboat.repository.Repository",
                "io.lifeboat.restore.RestoreEngine",
                "io.lifeboat.storage.Backend")) {
            assertThat(shipped.contain(c)).as("imported " + c).isTrue();
        }
        assertThat(shipped.contain("io.lifeboat.testkit.PostgresExtension")).isFalse();
    }

    private static String[] under(String root, String... packages) {
        return Arrays.stream(packages).map(p -> root + "." + p + "..").toArray(String[]::new);
    }

    /** No package cycles among the top-level packages. */
    static ArchRule noCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    /** Storage drivers know nothing of Odoo or of anything above them. */
    static ArchRule storageStandsAlone(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".storage..")
                .should()
                .dependOnClassesThat(resideInAPackage(root + "..").and(not(resideInAPackage(root + ".storage.."))));
    }

    /** The repository does not import the engines (ports live below both). */
    static ArchRule repositoryKnowsNoEngine(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".repository..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(under(root, "backup", "restore", "check", "repair", "usecase", "api"));
    }

    /** The engines do not import the repository. */
    static ArchRule enginesKnowNoRepository(String root) {
        return noClasses()
                .that()
                .resideInAnyPackage(under(root, "backup", "restore", "check"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(under(root, "repository", "repair", "usecase", "api"));
    }

    /** Formats, PostgreSQL, the filestore and the other low layers know nothing above them. */
    static ArchRule lowLayersKnowNothingAbove(String root) {
        return noClasses()
                .that()
                .resideInAnyPackage(
                        under(root, "progress", "runs", "postgres", "odoo", "ports", "odoozip", "filestore", "demo"))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(under(
                        root, "backup", "restore", "check", "repair", "repository", "usecase", "api", "config", "cli"));
    }

    /** Only the facade reaches the use cases, and nothing in the core reaches a front end. */
    static ArchRule facadeOnTop(String root) {
        return noClasses()
                .that(not(resideInAnyPackage(under(root, "usecase", "cli"))).and(not(resideInAPackage(root))))
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(under(root, "usecase", "cli"));
    }

    /** Front ends talk to the facade, its vocabulary and the configuration file only. */
    static ArchRule cliUsesOnlyTheFacade(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".cli..")
                .should()
                .dependOnClassesThat(resideInAPackage(root + "..")
                        .and(not(resideInAPackage(root)))
                        .and(not(resideInAnyPackage(under(root, "api", "config", "cli", "server")))));
    }

    /** The server talks to the facade, its vocabulary and, for its own backup store, the storage drivers. */
    static ArchRule serverUsesOnlyTheFacade(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + ".server..")
                .should()
                .dependOnClassesThat(resideInAPackage(root + "..")
                        .and(not(resideInAPackage(root)))
                        .and(not(resideInAnyPackage(under(root, "api", "storage", "server")))));
    }

    /** Shipped code never touches test code. */
    static ArchRule noTestCode(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root + "..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.junit..", "org.assertj..", root + ".testkit..");
    }

    @Test
    void theServerTalksToTheFacadeOnly() {
        serverUsesOnlyTheFacade(ROOT).check(shipped);
    }

    @Test
    void packagesAreFreeOfCycles() {
        noCycles(ROOT).check(shipped);
    }

    @Test
    void storageStandsAlone() {
        storageStandsAlone(ROOT).check(shipped);
    }

    @Test
    void repositoryAndEnginesMeetOnlyThroughPorts() {
        repositoryKnowsNoEngine(ROOT).check(shipped);
        enginesKnowNoRepository(ROOT).check(shipped);
    }

    @Test
    void lowLayersKnowNothingAbove() {
        lowLayersKnowNothingAbove(ROOT).check(shipped);
    }

    @Test
    void onlyTheFacadeReachesTheUseCases() {
        facadeOnTop(ROOT).check(shipped);
    }

    @Test
    void theCliTalksToTheFacadeOnly() {
        cliUsesOnlyTheFacade(ROOT).check(shipped);
    }

    @Test
    void shippedCodeHoldsNoTestCode() {
        noTestCode(ROOT).check(shipped);
    }

    /** The rules are not vacuous: a repository class calling an engine (test fixture) is reported. */
    @Test
    void aDeliberateViolationIsCaught() {
        String root = "io.lifeboat.archfixture";
        JavaClasses fixture = new ClassFileImporter().importPackages(root);
        assertThatThrownBy(() -> repositoryKnowsNoEngine(root).check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Leaky")
                .hasMessageContaining("Engine");
    }
}
