/**
 * The Lifeboat repository: content-addressed, deduplicated, compressed and encrypted snapshots of
 * Odoo instances in any {@link io.lifeboat.storage.Backend}. The on-disk format is specified in
 * {@code docs/repository-format.md}. Entry point: {@link io.lifeboat.repository.Repository}.
 */
package io.lifeboat.repository;
