package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.LifeboatException;
import io.lifeboat.Printable;
import io.lifeboat.api.Cancellation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

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
                    + " Read by 'config check' and by commands given --stanza NAME.")
    Path configFile;

    @Option(
            names = {"-v", "--verbose"},
            scope = ScopeType.INHERIT,
            description = "More detail on standard error: the programs run, the phases, stack traces of failures.")
    boolean verbose;

    @Option(
            names = "--log-file",
            paramLabel = "FILE",
            scope = ScopeType.INHERIT,
            description = "Append a timestamped log of what was done (command, programs run, phases, result) to FILE.")
    Path logFile;

    /** The cancellation token of the run in progress, tripped by SIGINT/SIGTERM. */
    private static volatile Cancellation cancellation = Cancellation.none();

    /** The token a command hands the facade: tripped when the process is interrupted. */
    static Cancellation cancellation() {
        return cancellation;
    }

    /** The log of the run in progress ({@link RunLog#none()} outside a run). */
    private static volatile RunLog log = RunLog.none();

    public static void main(String[] args) {
        Runtime.getRuntime().addShutdownHook(new Thread(Main::onInterrupt, "lifeboat-interrupt"));
        System.exit(run(args));
    }

    /**
     * SIGINT/SIGTERM: undoes what unfinished runs of this process made (temporary databases, roles,
     * directories, partial files), exactly as a failure would. Exit status: 130 / 143 (the JVM's).
     */
    private static void onInterrupt() {
        // First as a failure would: the command sees the tripped token at its next safe point and unwinds
        // through its own cleanup. What a command blocked elsewhere still holds is undone here after a while.
        int pending = Lifeboat.pendingTemporaryItems();
        int failedBefore = Lifeboat.temporaryItemsNotRemoved();
        Lifeboat.stopCommitting();
        cancellation.cancel("interrupted");
        try {
            running.await(CANCEL_GRACE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Lifeboat.removeTemporaryItems();
        // what the command's own cleanup removed and what abortAll removed; failures stay in ledger files
        int undone = Math.max(0, pending - (Lifeboat.temporaryItemsNotRemoved() - failedBefore));
        TerminalProgress.clearAll();
        if (undone > 0) {
            Terminal.rawErr()
                    .println("lifeboat: interrupted; removed " + undone + " temporary item" + (undone == 1 ? "" : "s")
                            + ", nothing was changed");
            Terminal.rawErr().flush();
        }
        log.fileOnly("interrupted; removed " + undone + " temporary items");
        log.close();
    }

    /** Runs the command line and returns its exit code (see {@link ExitCode}). */
    public static int run(String... args) {
        cancellation = new Cancellation();
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        running = done;
        try {
            return runCommand(args);
        } finally {
            done.countDown();
        }
    }

    /** How long an interrupted command may take to unwind by itself before its leftovers are removed. */
    private static final int CANCEL_GRACE_SECONDS = 5;

    /** Counted down when the command in progress returns. */
    private static volatile java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(0);

    private static int runCommand(String... args) {
        CommandLine cli = commandLine();
        int code = Terminal.run(() -> cli.setOut(new PrintWriter(Terminal.rawOut(), true))
                .setErr(new PrintWriter(System.err, true))
                .execute(args));
        RunLog done = log;
        log = RunLog.none();
        Lifeboat.onProcessStart(command -> {});
        done.fileOnly("exit " + code);
        done.close();
        return code;
    }

    /** The log of the run in progress, for commands that record more (phases, warnings). */
    static RunLog log() {
        return log;
    }

    /** The whole command tree, ready to execute. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        Commands.register(cli);
        HelpFormat.apply(cli);
        cli.setExecutionStrategy(Main::execute);
        cli.setExecutionExceptionHandler(Main::handle);
        // help is Lifeboat's own text; errors quote the command line, so they go through the escaping stream
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        CommandLine.IParameterExceptionHandler usage = cli.getParameterExceptionHandler();
        cli.setParameterExceptionHandler((e, args) -> {
            int code = usage.handleParseException(e, args);
            if (Arrays.asList(args).contains("--json")) printJsonError(e.getMessage(), null, code);
            return code;
        });
        return cli;
    }

    /** Opens the run's log as -v and --log-file say, then runs the command. */
    private static int execute(CommandLine.ParseResult parseResult) {
        boolean verbose = false;
        Path logFile = null;
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            verbose |= p.hasMatchedOption("--verbose");
            if (p.hasMatchedOption("--log-file")) logFile = p.matchedOptionValue("--log-file", null);
        }
        RunLog opened = RunLog.open(verbose, logFile, System.err);
        log = opened;
        Lifeboat.onProcessStart(c -> opened.info("running " + c));
        opened.fileOnly("lifeboat " + String.join(" ", parseResult.originalArgs()));
        return new CommandLine.RunLast().execute(parseResult);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parseResult) {
        if (Lifeboat.interrupted() || cancellation.isCancelled()) {
            return 130; // the interruption speaks for itself
        }
        PrintWriter err = cmd.getErr();
        String message;
        String hint;
        int code;
        // A connection that could not be opened says best what to check, whatever was being done.
        if (e instanceof java.io.UncheckedIOException u && u.getCause() != null) e = u.getCause();
        LifeboatException connect = Lifeboat.connectionFailure(e);
        if (connect != null) {
            message = connect.getMessage();
            hint = connect.hint();
            code = ExitCode.FAILED;
        } else if (e instanceof LifeboatException le) {
            message = le.getMessage();
            hint = le.hint();
            code = switch (le.kind()) {
                case USAGE -> ExitCode.USAGE;
                case CONFLICT -> ExitCode.CONFLICT;
                default -> ExitCode.FAILED;
            };
        } else {
            message = e.toString();
            hint = log.verbose() || System.getenv("LIFEBOAT_DEBUG") != null
                    ? null
                    : "Run again with -v (or set LIFEBOAT_DEBUG=1) to see the stack trace.";
            code = ExitCode.FAILED;
        }
        err.println("lifeboat: " + Printable.of(message));
        if (hint != null) err.println("hint: " + Printable.of(hint));
        boolean unexpected = connect == null && !(e instanceof LifeboatException);
        if (log.verbose() || (unexpected && System.getenv("LIFEBOAT_DEBUG") != null)) e.printStackTrace(err);
        err.flush();
        log.fileOnly("error: " + message + (hint == null ? "" : " (hint: " + hint + ")"));
        if (jsonRequested(parseResult)) printJsonError(message, hint, code);
        return code;
    }

    private static boolean jsonRequested(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--json")) return true;
        }
        return false;
    }

    /** {@code {"error": {"message", "hint", "exit_code"}}} on standard output, for scripts. */
    private static void printJsonError(String message, String hint, int code) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("hint", hint);
        error.put("exit_code", code);
        OutputOptions.printJson(System.out, Map.of("error", error));
        System.out.flush();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"lifeboat " + (v == null ? "dev" : v)};
        }
    }
}
