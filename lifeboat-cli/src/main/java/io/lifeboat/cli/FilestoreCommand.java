package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat filestore}: work on an instance's filestore. */
@Command(
        name = "filestore",
        description = {"Work on an instance's filestore."},
        subcommands = {FilestoreCaptureCommand.class, FilestoreMigrateCommand.class})
final class FilestoreCommand {}
