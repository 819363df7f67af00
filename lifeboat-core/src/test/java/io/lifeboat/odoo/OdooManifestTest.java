package io.lifeboat.odoo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.postgres.ProcessRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OdooManifestTest {

    /** {@code shared/fixtures/odoo-real}, found by walking up from the working directory. */
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

    static byte[] zipEntry(String zip, String entry) throws IOException {
        try (ZipFile z = new ZipFile(fixtures().resolve(zip).toFile());
                InputStream in = z.getInputStream(z.getEntry(entry))) {
            return in.readAllBytes();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"odoo17_base_mail_attachments.zip", "odoo16_base_only.zip", "odoo17_divergent_missing3.zip"})
    void rewritesOdoosManifestByteForByte(String zip) throws IOException {
        byte[] original = zipEntry(zip, "manifest.json");
        OdooManifest m = OdooManifest.read(new ByteArrayInputStream(original));
        assertThat(m.odooDump()).isEqualTo("1");
        assertThat(m.modules()).containsKey("base");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(out);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(new String(original, StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFixtureValues() throws IOException {
        OdooManifest m = OdooManifest.read(
                new ByteArrayInputStream(zipEntry("odoo17_base_mail_attachments.zip", "manifest.json")));
        assertThat(m.dbName()).isEqualTo("fx17");
        assertThat(m.version()).isEqualTo("17.0-20240709");
        assertThat(m.versionInfo()).containsExactly(17, 0, 0, "final", 0, "");
        assertThat(m.majorVersion()).isEqualTo("17.0");
        assertThat(m.pgVersion()).isEqualTo("15.0");
        assertThat(m.modules()).hasSize(23).containsEntry("mail", "17.0.1.15");
    }

    /** Python's json.dumps(indent=4) is the reference for escaping and layout of unusual values. */
    @Test
    void matchesPythonJsonForUnusualValues() throws IOException {
        Map<String, String> modules = new LinkedHashMap<>();
        modules.put("café_模块", "17.0.1.0");
        modules.put("quote\"back\\slash", null);
        modules.put("ctrl\u0001\u001f\u007f\t\n\r\b\f/", "emoji 😀 \u2028 \u00a0 ~");
        List<OdooManifest> manifests = List.of(
                new OdooManifest(
                        "1",
                        "db é",
                        "saas~17.1",
                        List.of("saas~17", 1, 0, "final", 0, ""),
                        "saas~17.1",
                        "16.0",
                        modules),
                new OdooManifest("1", "empty", "16.0", List.of(), "16.0", "12.0", Map.of()),
                new OdooManifest(null, null, null, null, null, null, null));
        for (OdooManifest m : manifests) {
            byte[] plain = new ObjectMapper().writeValueAsBytes(m);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ProcessRunner.command(
                            "python3",
                            "-c",
                            "import json, sys, collections; "
                                    + "d = json.load(sys.stdin, object_pairs_hook=collections.OrderedDict); "
                                    + "sys.stdout.write(json.dumps(d, indent=4))")
                    .env("PYTHONUTF8", "1")
                    .stdin(new ByteArrayInputStream(plain))
                    .stdout(out)
                    .run();
            assertThat(m.toJson()).isEqualTo(out.toString(StandardCharsets.US_ASCII));
        }
    }

    @Test
    void readsLeniently() {
        OdooManifest m = OdooManifest.read(new ByteArrayInputStream(
                "{\"odoo_dump\": 1, \"db_name\": \"x\", \"extra\": {\"a\": [1]}}".getBytes(StandardCharsets.UTF_8)));
        assertThat(m.odooDump()).isEqualTo("1");
        assertThat(m.dbName()).isEqualTo("x");
        assertThat(m.modules()).isNull();
        assertThat(m.versionInfo()).isNull();
    }

    @Test
    void rejectsWhatIsNotAManifest() {
        assertThatThrownBy(() -> OdooManifest.read(new ByteArrayInputStream("[1, 2]".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(
                        LifeboatException.class, e -> assertThat(e.kind()).isEqualTo(LifeboatException.Kind.BAD_INPUT));
        assertThatThrownBy(() ->
                        OdooManifest.read(new ByteArrayInputStream("{\"db_name\": ".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(LifeboatException.class)
                .hasMessageStartingWith("manifest.json is not a valid manifest");
        assertThatThrownBy(() -> OdooManifest.read(new ByteArrayInputStream(new byte[0])))
                .isInstanceOf(LifeboatException.class);
    }
}
