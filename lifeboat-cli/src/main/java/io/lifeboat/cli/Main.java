package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code lifeboat} command. */
@Command(
        name = "lifeboat",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Backup, restore and disaster recovery for Odoo.",
        subcommands = {HelpCommand.class})
public final class Main {

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
        if (undone > 0) {
            System.err.println("lifeboat: interrupted; removed " + undone + " temporary item" + (undone == 1 ? "" : "s")
                    + ", nothing was changed");
            System.err.flush();
        }
    }

    /** Runs the command line and returns its exit code (see {@link ExitCode}). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The whole command tree, ready to execute. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        Commands.register(cli);
        HelpFormat.apply(cli);
        cli.setExecutionExceptionHandler(Main::handle);
        return cli;
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        // A connection that could not be opened says best what to check, whatever was being done.
        io.lifeboat.postgres.PgConnectException connect = io.lifeboat.postgres.PgConnectException.in(e);
        if (connect != null) {
            err.println("lifeboat: " + connect.getMessage());
            err.println("hint: " + connect.hint());
            err.flush();
            return ExitCode.FAILED;
        }
        if (e instanceof LifeboatException le) {
            err.println("lifeboat: " + le.getMessage());
            if (le.hint() != null) err.println("hint: " + le.hint());
            err.flush();
            return switch (le.kind()) {
                case USAGE -> ExitCode.USAGE;
                case CONFLICT -> ExitCode.CONFLICT;
                default -> ExitCode.FAILED;
            };
        }
        err.println("lifeboat: " + e);
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
