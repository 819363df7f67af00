/**
 * Odoo backup archives: a streaming writer for Odoo-standard zips ({@link
 * io.lifeboat.archive.OdooZipWriter}), a validating reader ({@link io.lifeboat.archive.OdooArchive})
 * and detection of what a restore was handed ({@link io.lifeboat.archive.ArchiveType}).
 */
package io.lifeboat.archive;
