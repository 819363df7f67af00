package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * What {@code -v} and {@code --log-file} record for one run: the command line, the programs run, the
 * phases, and how it ended. {@code -v} writes to standard error; {@code --log-file} appends timestamped
 * lines to a file. Secrets are masked. Not thread-safe beyond the synchronized methods.
 */
final class RunLog implements AutoCloseable {
    private final boolean verbose;
    private final Writer file;
    private final PrintStream err;

    private RunLog(boolean verbose, Writer file, PrintStream err) {
        this.verbose = verbose;
        this.file = file;
        this.err = err;
    }

    /** The run's log; {@code logFile} null for none. */
    static RunLog open(boolean verbose, Path logFile, PrintStream err) {
        Writer w = null;
        if (logFile != null) {
            try {
                Path parent = logFile.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                w = Files.newBufferedWriter(
                        logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new io.lifeboat.LifeboatException(
                        io.lifeboat.LifeboatException.Kind.USAGE,
                        "cannot open log file " + logFile + ": " + e.getMessage(),
                        "Pass a writable path to --log-file.",
                        e);
            }
        }
        return new RunLog(verbose, w, err);
    }

    /** A log that records nothing. */
    static RunLog none() {
        return new RunLog(false, null, null);
    }

    boolean verbose() {
        return verbose;
    }

    /** Records {@code line}: on standard error with -v, in the log file with --log-file. */
    synchronized void info(String line) {
        String masked = Lifeboat.redact(line);
        if (verbose && err != null) {
            err.println("lifeboat: " + masked);
            err.flush();
        }
        fileOnly(masked);
    }

    /** Records {@code line} in the log file only. */
    synchronized void fileOnly(String line) {
        if (file == null) return;
        try {
            file.write(
                    OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            + " [" + ProcessHandle.current().pid() + "] " + Lifeboat.redact(line) + "\n");
            file.flush();
        } catch (IOException e) {
            // the log is a convenience; the run goes on without it
        }
    }

    @Override
    public synchronized void close() {
        if (file == null) return;
        try {
            file.close();
        } catch (IOException e) {
            // nothing more to write
        }
    }
}
