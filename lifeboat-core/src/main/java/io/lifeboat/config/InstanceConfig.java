package io.lifeboat.config;

import io.lifeboat.repository.RetentionPolicy;
import java.nio.file.Path;

/**
 * An Odoo instance of the configuration file, with the defaults it inherits already applied.
 *
 * @param odooConf odoo.conf, or null
 * @param connection overrides of odoo.conf's connection (never null; its fields may be)
 * @param dataDir Odoo's data_dir, or null for odoo.conf's
 * @param database the database, or null for the only one
 * @param repository the repository's name, or null when none is configured
 * @param retention the retention policy (the built-in default when none is configured)
 * @param jobs parallel jobs, or null for the commands' default
 */
public record InstanceConfig(
        String name,
        Path odooConf,
        Connection connection,
        Path dataDir,
        String database,
        String repository,
        RetentionPolicy retention,
        Integer jobs,
        Path pgBin,
        Path odooBin) {

    /** PostgreSQL connection settings; each null one comes from odoo.conf or {@code PG*}. */
    public record Connection(String host, Integer port, String user, Secret password, String sslmode) {
        public static final Connection NONE = new Connection(null, null, null, null, null);
    }
}
