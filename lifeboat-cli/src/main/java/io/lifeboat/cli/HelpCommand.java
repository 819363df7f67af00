package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.ColorScheme;
import picocli.CommandLine.Parameters;

/** {@code lifeboat help [COMMAND [SUBCOMMAND]]}: the help of any command, nested ones included. */
@Command(
        name = "help",
        helpCommand = true,
        description = {
            "Show the help of a command, for example lifeboat help repo init.",
            "Without a command, shows the list of commands. lifeboat COMMAND --help does the same."
        })
final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Callable<Integer> {

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, then its subcommand if any.")
    List<String> names = new ArrayList<>();

    private CommandLine self;
    private ColorScheme colorScheme;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colorScheme = colorScheme;
        this.out = out;
    }

    @Override
    public Integer call() {
        CommandLine target = self.getParent();
        List<String> path = new ArrayList<>();
        for (String name : names) {
            path.add(name);
            CommandLine sub = target.getSubcommands().get(name);
            if (sub == null) {
                throw new LifeboatException(
                        Kind.USAGE,
                        "unknown command: " + String.join(" ", path),
                        "lifeboat help"
                                + (path.size() > 1 ? " " + String.join(" ", path.subList(0, path.size() - 1)) : "")
                                + " lists the commands.");
            }
            target = sub;
        }
        target.usage(out, colorScheme);
        out.flush();
        return ExitCode.OK;
    }
}
