package io.lifeboat.api;

/**
 * Apply a retention policy to a repository's snapshot records. Whatever the rules, the newest snapshot
 * of each instance and database is kept. Only records are removed; {@code prune} frees the space. Needs
 * the secret key, except for a dry run.
 *
 * @param policy the rules; null or {@link ForgetPolicy#NONE} for {@link ForgetPolicy#DEFAULT}
 * @param instance only the snapshots of this instance are considered (the others are neither kept nor
 *     removed, and not listed); null for all
 * @param dryRun only plan: nothing is removed
 * @param prune then delete the data no snapshot uses any more (not in a dry run)
 */
public record ForgetRequest(ForgetPolicy policy, String instance, boolean dryRun, boolean prune) {

    public ForgetRequest {
        if (policy == null) policy = ForgetPolicy.NONE;
    }
}
