package io.lifeboat.api;

import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/**
 * A repository lock: who holds it and since when.
 *
 * @param name its object name
 * @param exclusive whether it excludes every other lock (prune)
 * @param operation what holds it ({@code backup}, {@code prune}…)
 * @param refreshed when it was last refreshed ({@link Instant#EPOCH} when unknown)
 */
public record RepoLock(
        String name,
        String host,
        long pid,
        boolean exclusive,
        String operation,
        @JsonSerialize(using = ToStringSerializer.class) Instant created,
        @JsonSerialize(using = ToStringSerializer.class) Instant refreshed) {}
