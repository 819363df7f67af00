package io.lifeboat.odoo;

import io.lifeboat.filestore.Filestores;
import io.lifeboat.postgres.PgConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an Odoo instance keeps its data, as resolved by {@link InstanceResolver}: how to reach its
 * PostgreSQL server and where its files are. Immutable; the database password is never part of
 * {@link #toString()}.
 *
 * @param configFile the odoo.conf it was read from, or null
 * @param connection how to reach PostgreSQL (null fields: libpq defaults)
 * @param dbName Odoo's {@code db_name} option (possibly a comma-separated list), or null
 * @param dbFilter Odoo's {@code dbfilter} option (a regular expression), or null for none
 * @param dbTemplate Odoo's {@code db_template} ({@code template1} unless configured)
 * @param listDb Odoo's {@code list_db}: whether its database manager may list databases
 * @param dataDir Odoo's {@code data_dir}, absolute and normalised as Odoo does
 * @param addonsPath Odoo's {@code addons_path} entries, absolute; empty when not configured
 * @param odooBin the {@code odoo-bin} to run for Odoo-side operations, or null
 * @param pgBin directory of PostgreSQL client programs ({@code --pg-bin} or Odoo's {@code
 *     pg_path}), or null
 * @param origins for each resolved setting (keys {@code host port user password sslmode db_name
 *     dbfilter data_dir addons_path pg_bin odoo_bin}), where its value came from: {@code odoo.conf},
 *     an environment variable name, {@code flag} or {@code default}
 */
public record OdooInstance(
        Path configFile,
        PgConnection connection,
        String dbName,
        String dbFilter,
        String dbTemplate,
        boolean listDb,
        Path dataDir,
        List<Path> addonsPath,
        Path odooBin,
        Path pgBin,
        Map<String, String> origins) {

    public OdooInstance {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(dbTemplate, "dbTemplate");
        Objects.requireNonNull(dataDir, "dataDir");
        addonsPath = List.copyOf(addonsPath);
        origins = Map.copyOf(origins);
    }

    /** The filestore of {@code database}: {@code <data_dir>/filestore/<database>}, like Odoo's {@code config.filestore()}. */
    public Path filestore(String database) {
        return Filestores.directory(dataDir, database);
    }

    /** The names listed in {@code db_name} (split on commas, trimmed, empty ones dropped). */
    public List<String> dbNames() {
        List<String> names = new ArrayList<>();
        if (dbName != null) {
            for (String n : dbName.split(",")) {
                String t = OdooConfig.pyStrip(n);
                if (!t.isEmpty()) {
                    names.add(t);
                }
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return "OdooInstance[config=" + configFile + ", connection=" + connection + ", dbName=" + dbName + ", dbFilter="
                + dbFilter + ", dataDir=" + dataDir + "]";
    }
}
