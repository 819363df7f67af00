package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.RepoLock;
import io.lifeboat.api.RepoUnlockRequest;
import io.lifeboat.api.RepoUnlockResult;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lifeboat repo unlock}: lists locks and removes the stale ones. */
@Command(
        name = "unlock",
        description = {
            "List a repository's locks and remove stale ones.",
            "Stale: locks of processes that ended on this machine, or not refreshed for 30 minutes. "
                    + "Live locks are never removed. Works with a writer key."
        })
final class RepoUnlockCommand implements Callable<Integer> {

    @Mixin
    RepositoryOptions repository;

    @Mixin
    OutputOptions out;

    @Override
    public Integer call() throws Exception {
        RepoUnlockResult r;
        try (Lifeboat lifeboat = Facades.open(null, repository)) {
            r = lifeboat.repoUnlock(new RepoUnlockRequest(), SnapshotsCommand.quiet());
        }
        if (out.json()) {
            OutputOptions.printJson(System.out, r);
        } else if (out.human()) {
            System.out.printf("removed %d stale lock%s%n", r.removed(), r.removed() == 1 ? "" : "s");
            for (RepoLock l : r.locks()) {
                System.out.printf(
                        "  live: %s%s on %s (pid %d), refreshed %s%n",
                        l.operation(),
                        l.exclusive() ? " (exclusive)" : "",
                        l.host(),
                        l.pid(),
                        l.refreshed().equals(Instant.EPOCH) ? "?" : l.refreshed());
            }
        }
        return ExitCode.OK;
    }
}
