/**
 * Odoo backup archives: a streaming writer for Odoo-standard zips ({@link
 * io.lifeboat.odoozip.OdooZipWriter}), a validating reader ({@link io.lifeboat.odoozip.OdooArchive})
 * and detection of what a restore was handed ({@link io.lifeboat.odoozip.ArchiveType}).
 */
package io.lifeboat.odoozip;
