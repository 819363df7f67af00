package io.lifeboat.check;

/**
 * Counts and timings of one check.
 *
 * @param files regular {@code xx/<sha1>} files in the filestore
 * @param bytes their total size
 * @param referencedFiles files at least one row references
 * @param missingFiles distinct files referenced by rows but absent
 * @param orphanFiles files no row references (marked for garbage collection or not)
 * @param orphanBytes their total size
 * @param markers {@code checklist/} garbage-collection markers
 * @param staleMarkers markers naming no existing file
 * @param strayEntries entries that are not Odoo files
 * @param hashedFiles files hashed (deep check only)
 * @param hashedBytes bytes hashed (deep check only)
 * @param filestoreSeconds time spent on the filestore: listing and stat'ing every file, or (deep)
 *     reading and hashing every file
 * @param databaseSeconds time spent reading the database
 */
public record Totals(
        long files,
        long bytes,
        long referencedFiles,
        long missingFiles,
        long orphanFiles,
        long orphanBytes,
        long markers,
        long staleMarkers,
        long strayEntries,
        long hashedFiles,
        long hashedBytes,
        double filestoreSeconds,
        double databaseSeconds) {}
