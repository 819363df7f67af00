package io.lifeboat.cli;

import picocli.CommandLine;

/** The list of subcommands, one class per command. */
final class Commands {
    private Commands() {}

    static void register(CommandLine cli) {
        // Each command is a thin class: parse options, call the core, print the result.
        cli.addSubcommand(new BackupCommand());
        cli.addSubcommand(new RestoreCommand());
        cli.addSubcommand(new RollbackCommand());
        cli.addSubcommand(new DrillCommand());
        cli.addSubcommand(new CleanupCommand());
        cli.addSubcommand(new DatabasesCommand());
        cli.addSubcommand(new DemoCommand());
        cli.addSubcommand(new CheckCommand());
        cli.addSubcommand(new RepairCommand());
        cli.addSubcommand(new RepoCommand());
        cli.addSubcommand(new SnapshotsCommand());
        cli.addSubcommand(new ExportCommand());
        cli.addSubcommand(new ImportCommand());
        cli.addSubcommand(new ForgetCommand());
        cli.addSubcommand(new PruneCommand());
        cli.addSubcommand(new VerifyCommand());
        cli.addSubcommand(new StatsCommand());
        cli.addSubcommand(new ConfigCommand());
        cli.addSubcommand(new WalCommand());
        cli.addSubcommand(new BaseBackupCommand());
        cli.addSubcommand(new RecoverCommand());
        cli.addSubcommand(new FilestoreCommand());
        cli.addSubcommand(new PitrCommand());
        cli.addSubcommand(new ServerCommand());
    }
}
