package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.Printable;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code lifeboat} command. */
@Command(
        name = "lifeboat",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Backup, restore and disaster recovery for Odoo.",
        subcommands = {HelpCommand.class})
public final class Main {

    @Option(
            names = "--config-file",
            paramLabel = "FILE",
            description = "Lifeboat's configuration file (default: $LIFEBOAT_CONFIG, else /etc/lifeboat/lifeboat.yaml)."
                    + " Read by 'config check' for now.")
    Path configFile;

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(Main::onInterrupt, "lifeboat-interrupt"));
        System.exit(run(args));
    }

    /**
     * SIGINT/SIGTERM: undoes what unfinished runs of this process made (temporary databases, roles,
     * directories, partial files), exactly as a failure would. Exit status: 130 / 143 (the JVM's).
     */
    private static void onInterrupt() {
        int undone = io.lifeboat.runs.RunLedger.abortAll();
        TerminalProgress.clearAll();
        if (undone > 0) {
            Terminal.rawErr()
                    .println("lifeboat: interrupted; removed " + undone + " temporary item" + (undone == 1 ? "" : "s")
                            + ", nothing was changed");
            Terminal.rawErr().flush();
        }
    }

    /** Runs the command line and returns its exit code (see {@link ExitCode}). */
    public static int run(String... args) {
        CommandLine cli = commandLine();
        return Terminal.run(() -> cli.setOut(new PrintWriter(Terminal.rawOut(), true))
                .setErr(new PrintWriter(System.err, true))
                .execute(args));
    }

    /** The whole command tree, ready to execute. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        Commands.register(cli);
        HelpFormat.apply(cli);
        cli.setExecutionExceptionHandler(Main::handle);
        // help is Lifeboat's own text; errors quote the command line, so they go through the escaping stream
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        return cli;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (io.lifeboat.runs.RunLedger.interrupted()) return 130; // the interruption speaks for itself
        PrintWriter err = cmd.getErr();
        if (e instanceof LifeboatException le) {
            err.println("lifeboat: " + Printable.of(le.getMessage()));
            if (le.hint() != null) err.println("hint: " + Printable.of(le.hint()));
            err.flush();
            return switch (le.kind()) {
                case USAGE -> ExitCode.USAGE;
                case CONFLICT -> ExitCode.CONFLICT;
                default -> ExitCode.FAILED;
            };
        }
        err.println("lifeboat: " + Printable.of(e.toString()));
        if (System.getenv("LIFEBOAT_DEBUG") != null) e.printStackTrace(err);
        else err.println("hint: Set LIFEBOAT_DEBUG=1 to see the stack trace.");
        err.flush();
        return ExitCode.FAILED;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lifeboat " + (v == null ? "dev" : v)};
        }
    }
}
