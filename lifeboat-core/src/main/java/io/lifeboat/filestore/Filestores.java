package io.lifeboat.filestore;

import java.nio.file.Path;

/**
 * Where Odoo keeps filestores: {@code <data_dir>/filestore/<database>}, as Odoo's {@code
 * config.filestore()} says. The one place this rule is written.
 */
public final class Filestores {
    /** The directory under a data_dir that holds the filestores of all databases. */
    public static final String DIRECTORY = "filestore";

    private Filestores() {}

    /** The filestore of {@code database} under {@code dataDir}, as a {@link LocalFilestore}. */
    public static LocalFilestore of(Path dataDir, String database) {
        return new LocalFilestore(directory(dataDir, database));
    }

    /** {@code <data_dir>/filestore}: where the filestores of all databases are. */
    public static Path root(Path dataDir) {
        return dataDir.resolve(DIRECTORY);
    }

    /** {@code <data_dir>/filestore/<database>}; refuses names that are not one path segment. */
    public static Path directory(Path dataDir, String database) {
        if (database.isEmpty() || database.contains("/") || database.equals(".") || database.equals("..")) {
            throw new IllegalArgumentException("not a database name: " + database);
        }
        return root(dataDir).resolve(database);
    }

    /**
     * Whether {@code directory} is written as {@code <data_dir>/filestore/<database>}: absolute,
     * normalized, named like the database, in a directory called {@code filestore}. Reads nothing.
     */
    public static boolean isDirectoryOf(Path directory, String database) {
        return directory.isAbsolute()
                && directory.normalize().equals(directory)
                && directory.getFileName() != null
                && directory.getFileName().toString().equals(database)
                && directory.getParent() != null
                && directory.getParent().getFileName() != null
                && directory.getParent().getFileName().toString().equals(DIRECTORY);
    }
}
