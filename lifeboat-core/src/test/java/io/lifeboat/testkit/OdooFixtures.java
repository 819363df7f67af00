package io.lifeboat.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The backups written by real Odoo in {@code shared/fixtures/odoo-real/} (see the README there), found
 * by walking up from the working directory. A missing fixture is an error, never a skip.
 */
public final class OdooFixtures {
    public static final String ODOO17_ZIP = "odoo17_base_mail_attachments.zip";
    public static final String ODOO17_DUMP = "odoo17_base_mail_attachments.dump";
    public static final String ODOO17_DIVERGENT_ZIP = "odoo17_divergent_missing3.zip";
    public static final String ODOO16_ZIP = "odoo16_base_only.zip";

    private OdooFixtures() {}

    /** The fixture file {@code name}; fails if the fixtures directory cannot be found. */
    public static Path path(String name) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared/fixtures/odoo-real").resolve(name);
            if (Files.isRegularFile(candidate)) return candidate;
            dir = dir.getParent();
        }
        throw new IllegalStateException("fixture " + name + " not found above "
                + Path.of("").toAbsolutePath() + " (expected in shared/fixtures/odoo-real/)");
    }
}
