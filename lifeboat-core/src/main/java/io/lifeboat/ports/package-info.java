/**
 * The interfaces between the engines and the formats and stores they work with, below all of them:
 * {@link io.lifeboat.ports.CaptureSink} (where a backup goes: an Odoo zip, a dump file, a repository
 * snapshot) and {@link io.lifeboat.ports.RestoreSource} (what a restore reads: a zip, a dump, a
 * snapshot). The backup and restore engines use them; the odoozip and repository packages implement
 * them; neither side imports the other.
 */
package io.lifeboat.ports;
