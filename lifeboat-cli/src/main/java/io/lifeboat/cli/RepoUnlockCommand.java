package io.lifeboat.cli;

import io.lifeboat.repository.RepositoryLock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
        try (RepositoryOptions.Opened o = repository.open(false)) {
            int removed = o.repo().removeStaleLocks();
            List<RepositoryLock.Info> left = o.repo().locks();
            if (out.json()) {
                RepoJson.print(System.out, Map.of("removed", removed, "locks", left));
            } else if (out.human()) {
                System.out.printf("removed %d stale lock%s%n", removed, removed == 1 ? "" : "s");
                for (RepositoryLock.Info l : left) {
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
}
