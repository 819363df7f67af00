package io.lifeboat.api;

import java.util.List;

/**
 * What unlocking did.
 *
 * @param removed stale locks removed
 * @param locks the locks left (live ones)
 */
public record RepoUnlockResult(int removed, List<RepoLock> locks) {

    public RepoUnlockResult {
        locks = List.copyOf(locks);
    }
}
