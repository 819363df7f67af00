package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat wal}: the WAL archive for point-in-time recovery. */
@Command(
        name = "wal",
        description = {
            "Archive PostgreSQL's write-ahead log into the repository, fetch it back, check its continuity.",
            "Set-up and the incident runbook: docs/pitr.md."
        },
        subcommands = {WalPushCommand.class, WalGetCommand.class, WalArchiverCommand.class, WalVerifyCommand.class})
final class WalCommand {}
