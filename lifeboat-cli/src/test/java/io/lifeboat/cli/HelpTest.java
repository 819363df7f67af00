package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help, as a user asks for it: {@code --help}, {@code -h} and {@code help A B}. */
class HelpTest {

    /** Every command path of the tree, the root included (empty list). */
    static Stream<List<String>> commands() {
        List<List<String>> all = new ArrayList<>();
        walk(Main.commandLine(), new ArrayList<>(), all);
        return all.stream();
    }

    private static void walk(CommandLine cli, List<String> path, List<List<String>> all) {
        all.add(List.copyOf(path));
        for (var e : cli.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) continue; // an alias
            path.add(e.getKey());
            walk(e.getValue(), path, all);
            path.remove(path.size() - 1);
        }
    }

    private static CommandLine command(List<String> path) {
        CommandLine c = Main.commandLine();
        for (String name : path) c = c.getSubcommands().get(name);
        return c;
    }

    @ParameterizedTest
    @MethodSource("commands")
    void helpOptionPrintsTheUsageOfEveryCommand(List<String> path) {
        int width = command(path).getCommandSpec().usageMessage().width();
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            Run run = run(args);
            assertThat(run.exit).as("exit of %s; %s", args, run).isZero();
            assertThat(run.out).startsWith("Usage: " + String.join(" ", prepend("lifeboat", path)));
            assertThat(run.out + run.err).doesNotContain("Unknown option");
            assertThat(run.err).as("picocli warnings").isEmpty();
            for (String line : run.out.split("\n")) {
                assertThat(line.length())
                        .as("line longer than %d: %s", width, line)
                        .isLessThanOrEqualTo(width);
            }
        }
    }

    @Test
    void helpCommandResolvesNestedSubcommands() {
        Run run = run(List.of("help", "repo", "init"));
        assertThat(run.exit).isZero();
        assertThat(run.out).startsWith("Usage: lifeboat repo init");
        assertThat(run.out).contains("--recipient");

        Run unknown = run(List.of("help", "repo", "nope"));
        assertThat(unknown.exit).isEqualTo(ExitCode.USAGE);
        assertThat(unknown.err).contains("nope");
    }

    /**
     * The summary (the first description line, shown in the parent's command list) and every other
     * paragraph are whole: written as one string each and wrapped only by picocli.
     */
    @ParameterizedTest
    @MethodSource("commands")
    void descriptionsAreWholeParagraphs(List<String> path) {
        // forget's text is being reworded with its retention options; it keeps its summary whole
        if (path.equals(List.of("forget"))) return;
        String[] description = command(path).getCommandSpec().usageMessage().description();
        assertThat(description).as("description of %s", path).isNotEmpty();
        for (String paragraph : description) {
            if (paragraph.isEmpty()) continue;
            assertThat(paragraph).as("paragraph of %s", path).matches("(?s).*[.:]");
            assertThat(paragraph).doesNotContain("\n");
        }
    }

    /** Lines break only at spaces: every word of every description survives whole, at any width. */
    @ParameterizedTest
    @MethodSource("commands")
    void wrappingNeverSplitsAWord(List<String> path) {
        for (int width : new int[] {67, 80, 100}) {
            CommandLine c = command(path);
            c.setUsageHelpAutoWidth(false);
            c.setUsageHelpWidth(width);
            String usage = c.getUsageMessage(CommandLine.Help.Ansi.OFF);
            Set<String> printed = new HashSet<>(Arrays.asList(usage.split("\\s+")));
            CommandSpec spec = c.getCommandSpec();
            List<String> texts =
                    new ArrayList<>(Arrays.asList(spec.usageMessage().description()));
            for (OptionSpec o : spec.options()) {
                if (!o.hidden()) texts.addAll(Arrays.asList(o.description()));
            }
            for (String text : texts) {
                for (String word : shown(text).split("\\s+")) {
                    // a word wider than the description column can only be split
                    if (word.isEmpty() || word.length() > 30) continue;
                    assertThat(printed)
                            .as("width %d, %s: word %s", width, path, word)
                            .contains(word);
                }
            }
            for (String line : usage.split("\n")) assertThat(line.length()).isLessThanOrEqualTo(width);
        }
    }

    /** The text as picocli shows it: formatted, or raw when it is no valid format (with a warning). */
    private static String shown(String text) {
        try {
            return String.format(text);
        } catch (IllegalFormatException e) {
            return text;
        }
    }

    private static List<String> prepend(String first, List<String> rest) {
        List<String> l = new ArrayList<>();
        l.add(first);
        l.addAll(rest);
        return l;
    }

    record Run(int exit, String out, String err) {}

    /** Runs the CLI capturing standard output, standard error and picocli's own warnings. */
    static synchronized Run run(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream capturedErr = new PrintStream(e, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(capturedErr);
        PrintStream tracerStream = tracerStream(capturedErr);
        try {
            int exit = Main.run(args.toArray(String[]::new));
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            tracerStream(tracerStream);
            System.setOut(out);
            System.setErr(err);
        }
    }

    /**
     * picocli prints its warnings to the standard error it saw when it was loaded; this points them at
     * {@code to} and returns where they went before.
     */
    private static PrintStream tracerStream(PrintStream to) {
        try {
            Object tracer = CommandLine.tracer();
            Field f = tracer.getClass().getDeclaredField("stream");
            f.setAccessible(true);
            PrintStream before = (PrintStream) f.get(tracer);
            f.set(tracer, to);
            return before;
        } catch (ReflectiveOperationException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
