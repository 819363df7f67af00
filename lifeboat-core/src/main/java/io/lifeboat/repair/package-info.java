/**
 * Surgical filestore repair: restores only the files a check found missing, from any source holding
 * their content (repository snapshots, Odoo zips, directories), verified by SHA-1 and placed without
 * ever overwriting; and moves orphan files to a quarantine from which they can be moved back. Nothing
 * here deletes filestore content.
 */
package io.lifeboat.repair;
