package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat repo}: repository administration (create, locks, keys). */
@Command(
        name = "repo",
        description = "Create a repository and manage its locks and keys.",
        subcommands = {RepoInitCommand.class, RepoUnlockCommand.class, RepoWriterKeyCommand.class})
final class RepoCommand {}
