package io.lifeboat.api;

/**
 * A rollback point left by a restore that replaced a database: the replaced database and filestore,
 * renamed aside; either may be null when only the other was replaced.
 *
 * @param database the rollback database's name, or null
 * @param filestore the rollback filestore's path, or null
 * @param source what the replacing restore restored (or "state before rollback")
 * @param createdAt when the point was made, ISO-8601 UTC
 */
public record RollbackPoint(String database, String filestore, String source, String createdAt) {}
