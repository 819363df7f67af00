package io.lifeboat.cli;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.Printable;
import io.lifeboat.api.Observer;
import java.io.PrintStream;
import picocli.CommandLine.Option;

/** Options shared by every command that reports results: {@code --json}, {@code --quiet}, {@code --no-progress}. */
public final class OutputOptions {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static {
        // Jackson escapes C0 controls in strings; DEL and C1 controls (U+009B is CSI) too, as \u007f etc.
        JSON.getFactory().setCharacterEscapes(new CharacterEscapes() {
            private static final long serialVersionUID = 1L;
            private final int[] ascii = CharacterEscapes.standardAsciiEscapesForJSON();

            {
                ascii[0x7f] = CharacterEscapes.ESCAPE_STANDARD;
            }

            @Override
            public int[] getEscapeCodesForAscii() {
                return ascii;
            }

            @Override
            public SerializableString getEscapeSequence(int ch) {
                return Printable.isControl(ch) ? new SerializedString(String.format("\\u%04x", ch)) : null;
            }
        });
    }

    @Option(names = "--json", description = "Print the result as JSON on standard output (no progress bar).")
    boolean json;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only errors.")
    boolean quiet;

    @Option(names = "--no-progress", description = "Never draw a progress bar.")
    boolean noProgress;

    /** Whether a human-readable summary should be printed. */
    public boolean human() {
        return !json && !quiet;
    }

    public boolean json() {
        return json;
    }

    /**
     * A progress sink drawing a bar on the terminal's standard error, or nothing when output is not a
     * terminal, is JSON, or progress is off. {@code stdoutIsData} says standard output carries data.
     */
    public TerminalProgress progress() {
        boolean draw = !json && !quiet && !noProgress && interactive();
        return new TerminalProgress(draw, quiet ? null : Terminal.rawErr());
    }

    /**
     * Whether standard input and output are a terminal. From Java 22 on, {@link System#console()} also
     * returns a console when they are redirected; {@code Console.isTerminal()} then tells.
     */
    static boolean interactive() {
        java.io.Console c = System.console();
        if (c == null) return false;
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // Java 21: a console exists only for a terminal
        }
    }

    /** How the facade reports to this command: {@code progress} draws, SIGINT/SIGTERM cancel. */
    static Observer observer(TerminalProgress progress) {
        return Observer.of(progress, Main.cancellation());
    }

    /** Prints {@code value} as JSON to {@code out}. */
    public static void printJson(PrintStream out, Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
