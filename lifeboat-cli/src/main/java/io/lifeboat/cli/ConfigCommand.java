package io.lifeboat.cli;

import picocli.CommandLine.Command;

/** {@code lifeboat config}: Lifeboat's own configuration file (docs/configuration.md). */
@Command(
        name = "config",
        description = "Validate and show Lifeboat's configuration file (instances, repositories, retention).",
        subcommands = {ConfigCheckCommand.class})
final class ConfigCommand {}
