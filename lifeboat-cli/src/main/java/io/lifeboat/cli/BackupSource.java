package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.RestoreRequest;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The backup a command restores, as {@code restore} and {@code drill} take it: a file or dump directory, -
 * for standard input, or with a repository (--repo, or one configured when no such file exists) a snapshot.
 */
record BackupSource(RestoreRequest.Source source, boolean fromRepository) {
    /** What messages call a backup read from standard input. */
    static final String STDIN = "standard input";

    /** The source {@code backup} names; {@code what} is the command's verb for messages ("Restore"). */
    static BackupSource of(String backup, RepositoryOptions repository, String what) {
        boolean fromStdin = backup.equals("-");
        if (fromStdin && repository.givenOnCommandLine()) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "- (standard input) and --repo exclude each other",
                    what + " either a backup from standard input or a snapshot of the repository.");
        }
        boolean fromRepo = !fromStdin
                && (repository.givenOnCommandLine() || (repository.given() && !Files.exists(Path.of(backup))));
        RestoreRequest.Source source = fromRepo
                ? RestoreRequest.Source.snapshot(backup)
                : fromStdin
                        ? RestoreRequest.Source.stream(System.in, STDIN)
                        : RestoreRequest.Source.file(Path.of(backup));
        return new BackupSource(source, fromRepo);
    }
}
