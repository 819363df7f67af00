package io.lifeboat.postgres;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an external program (pg_dump, pg_restore, psql, ...) with a controlled environment,
 * streaming its standard output to a sink and keeping a bounded tail of its standard error for
 * error messages.
 *
 * <p>Build one with {@link #command(String...)}, configure, then {@link #run()}. A runner is not
 * thread-safe and runs once.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Memory is bounded: stdin and stdout are copied in 64 KiB chunks; at most {@value
 *       #STDERR_TAIL_CHARS} characters of stderr are kept.
 *   <li>The process never outlives {@link #run()}: on a sink or source failure, a timeout or an
 *       interrupt it is killed (with its descendants) before {@code run()} returns or throws.
 *   <li>The values of environment variables whose name contains {@code PASSWORD} (e.g. {@code
 *       PGPASSWORD}) and of any {@link #secret(String)} are replaced by {@code ***} in every
 *       message this class produces, including the stderr tail.
 * </ul>
 *
 * <p>It is long because it owns a child process's whole supervision: pipes, timeouts, interruption, exit
 * status and error text.
 */
public final class ProcessRunner {

    /** Characters of stderr kept for messages. */
    public static final int STDERR_TAIL_CHARS = 4000;

    private static final int BUFFER = 64 * 1024;

    private final List<String> command;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Set<String> removedEnv = new LinkedHashSet<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private boolean inheritEnv = true;
    private Path directory;
    private InputStream stdin;
    private Path stdinFile;
    private OutputStream stdout;
    private boolean checkExit = true;
    private Kind failureKind = Kind.ENVIRONMENT;
    private String hint;
    private Duration timeout;
    private boolean used;

    private ProcessRunner(List<String> command) {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        this.command = List.copyOf(command);
    }

    /** A runner for {@code program} and its arguments. */
    public static ProcessRunner command(String... command) {
        return new ProcessRunner(Arrays.asList(command));
    }

    /** A runner for {@code program} and its arguments. */
    public static ProcessRunner command(List<String> command) {
        return new ProcessRunner(command);
    }

    /** Adds or overrides environment variables (on top of this process's, unless {@link #clearEnv()}). */
    public ProcessRunner env(Map<String, String> vars) {
        vars.forEach(this::env);
        return this;
    }

    /** Adds or overrides one environment variable. */
    public ProcessRunner env(String name, String value) {
        env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        removedEnv.remove(name);
        return this;
    }

    /** Removes inherited variables, e.g. a stray {@code PGDATABASE} that must not leak in. */
    public ProcessRunner removeEnv(String... names) {
        for (String n : names) {
            removedEnv.add(n);
            env.remove(n);
        }
        return this;
    }

    /** Starts from an empty environment instead of this process's. */
    public ProcessRunner clearEnv() {
        inheritEnv = false;
        return this;
    }

    /** A value that must never appear in messages (it is masked like a password). */
    public ProcessRunner secret(String value) {
        if (value != null && !value.isEmpty()) {
            secrets.add(value);
        }
        return this;
    }

    public ProcessRunner directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** Feeds this stream to the program's stdin (closed afterwards); default: an empty stdin. */
    public ProcessRunner stdin(InputStream in) {
        this.stdin = in;
        this.stdinFile = null;
        return this;
    }

    /** Feeds this file to the program's stdin. */
    public ProcessRunner stdin(Path file) {
        this.stdinFile = file;
        this.stdin = null;
        return this;
    }

    /** Copies the program's stdout to {@code sink} (not closed); default: discarded. */
    public ProcessRunner stdout(OutputStream sink) {
        this.stdout = Objects.requireNonNull(sink);
        return this;
    }

    /** Whether a non-zero exit code throws (default true). */
    public ProcessRunner checkExit(boolean check) {
        this.checkExit = check;
        return this;
    }

    /** The kind of the exception thrown on a non-zero exit code (default {@code ENVIRONMENT}). */
    public ProcessRunner failureKind(Kind kind) {
        this.failureKind = Objects.requireNonNull(kind);
        return this;
    }

    /** The hint of the exception thrown on a non-zero exit code. */
    public ProcessRunner hint(String hint) {
        this.hint = hint;
        return this;
    }

    /** Kills the program if it runs longer than this. */
    public ProcessRunner timeout(Duration timeout) {
        this.timeout = timeout;
        return this;
    }

    /**
     * Runs the program to completion.
     *
     * @return the exit code and stderr tail
     * @throws Failed if the exit code is not zero and {@link #checkExit(boolean)} is on
     * @throws LifeboatException {@code ENVIRONMENT} if the program cannot be started or times out
     * @throws UncheckedIOException if writing to the stdout sink or reading the stdin source fails
     */
    public Result run() {
        if (used) {
            throw new IllegalStateException("a ProcessRunner runs once");
        }
        used = true;
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> penv = pb.environment();
        if (!inheritEnv) {
            penv.clear();
        }
        removedEnv.forEach(penv::remove);
        penv.putAll(env);
        for (Map.Entry<String, String> e : penv.entrySet()) {
            if (e.getKey().toUpperCase(Locale.ROOT).contains("PASSWORD")) {
                secret(e.getValue());
            }
        }
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (stdinFile != null) {
            pb.redirectInput(stdinFile.toFile());
        }
        String program = Path.of(command.get(0)).getFileName().toString();
        Process process;
        observer.accept(describe());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new LifeboatException(
                    Kind.ENVIRONMENT,
                    "cannot run " + mask(command.get(0)) + ": " + mask(String.valueOf(e.getMessage())),
                    "Check that the program is installed and executable.",
                    e);
        }
        StderrTail tail = new StderrTail();
        AtomicReference<Throwable> stdinError = new AtomicReference<>();
        Thread errPump = Thread.ofVirtual().name(program + "-stderr").start(() -> tail.drain(process.getErrorStream()));
        Thread inPump = null;
        if (stdinFile == null) {
            InputStream source = stdin;
            inPump = Thread.ofVirtual().name(program + "-stdin").start(() -> feed(process, source, stdinError));
        }
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = timeout == null
                ? null
                : Thread.ofVirtual().name(program + "-watchdog").start(() -> {
                    try {
                        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                            timedOut.set(true);
                            kill(process);
                        }
                    } catch (InterruptedException e) {
                        // run() finished first
                    }
                });
        boolean done = false;
        try {
            try {
                copyStdout(process);
            } catch (UncheckedIOException e) {
                if (!timedOut.get()) {
                    throw e;
                }
            }
            int exit = process.waitFor();
            if (watchdog != null) {
                watchdog.interrupt();
                watchdog.join();
            }
            if (timedOut.get()) {
                throw new LifeboatException(
                        Kind.ENVIRONMENT,
                        program + " did not finish within " + timeout.toMillis() + " ms and was stopped",
                        "Check that the program is not waiting for input (e.g. a password prompt).");
            }
            errPump.join();
            if (inPump != null) {
                inPump.join();
            }
            done = true;
            Throwable inErr = stdinError.get();
            if (inErr != null) {
                throw new UncheckedIOException(
                        "cannot feed stdin of " + program,
                        inErr instanceof IOException io ? io : new IOException(inErr));
            }
            Result result = new Result(exit, mask(tail.text()));
            if (exit != 0 && checkExit) {
                throw new Failed(failureKind, program, exit, result.stderrTail(), hint);
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(Kind.INTERNAL, program + " was interrupted", null, e);
        } finally {
            if (watchdog != null) {
                watchdog.interrupt();
            }
            if (!done) {
                kill(process);
                errPump.interrupt();
                if (inPump != null) {
                    inPump.interrupt();
                }
            }
        }
    }

    private void copyStdout(Process process) {
        byte[] buf = new byte[BUFFER];
        try (InputStream out = process.getInputStream()) {
            int n;
            while ((n = out.read(buf)) != -1) {
                if (stdout != null) {
                    stdout.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot copy output of " + Path.of(command.get(0)).getFileName(), e);
        }
    }

    /**
     * Copies {@code source} to the program's stdin. A failing source kills the program instead of
     * closing its stdin, so that it never mistakes a truncated input for a complete one.
     */
    private static void feed(Process process, InputStream source, AtomicReference<Throwable> error) {
        OutputStream in = process.getOutputStream();
        try {
            if (source != null) {
                try (InputStream src = source) {
                    byte[] buf = new byte[BUFFER];
                    while (true) {
                        int n;
                        try {
                            n = src.read(buf);
                        } catch (IOException | RuntimeException e) {
                            error.set(e);
                            kill(process);
                            return;
                        }
                        if (n == -1) {
                            break;
                        }
                        try {
                            in.write(buf, 0, n);
                        } catch (IOException stoppedReading) {
                            // the program no longer reads stdin; its exit code tells why
                            return;
                        }
                    }
                } catch (IOException closeFailed) {
                    // nothing was lost: the whole source was read
                }
            }
        } finally {
            try {
                in.close();
            } catch (IOException stoppedReading) {
                // same as above
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String mask(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }

    /**
     * What a finished program left.
     *
     * @param exitCode the exit code
     * @param stderrTail the last {@value #STDERR_TAIL_CHARS} characters of stderr (decoded as
     *     UTF-8, secrets masked, trailing whitespace removed)
     */
    public record Result(int exitCode, String stderrTail) {}

    /** A program exited with a non-zero code. The message holds the stderr tail, secrets masked. */
    public static final class Failed extends LifeboatException {
        private static final long serialVersionUID = 1L;
        private final String program;
        private final int exitCode;
        private final String stderrTail;

        Failed(Kind kind, String program, int exitCode, String stderrTail, String hint) {
            super(kind, message(program, exitCode, stderrTail), hint);
            this.program = program;
            this.exitCode = exitCode;
            this.stderrTail = stderrTail;
        }

        private static String message(String program, int exitCode, String tail) {
            return program + " failed with exit code " + exitCode + (tail.isEmpty() ? "" : ": " + tail);
        }

        /** File name of the program. */
        public String program() {
            return program;
        }

        public int exitCode() {
            return exitCode;
        }

        /** The end of its stderr, secrets masked. */
        public String stderrTail() {
            return stderrTail;
        }
    }

    /** Keeps the last {@value #STDERR_TAIL_CHARS} characters of a stream. */
    private static final class StderrTail {
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private int size;
        private boolean truncated;

        void drain(InputStream err) {
            byte[] buf = new byte[8192];
            try (err) {
                int n;
                while ((n = err.read(buf)) != -1) {
                    add(Arrays.copyOf(buf, n));
                }
            } catch (IOException e) {
                // the process is gone; what was read is the tail
            }
        }

        private synchronized void add(byte[] chunk) {
            chunks.addLast(chunk);
            size += chunk.length;
            // keep 4 bytes per character at most so the decoded tail is still long enough
            while (size - chunks.peekFirst().length >= STDERR_TAIL_CHARS * 4) {
                size -= chunks.removeFirst().length;
                truncated = true;
            }
        }

        synchronized String text() {
            byte[] all = new byte[size];
            int off = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, all, off, c.length);
                off += c.length;
            }
            String s = new String(all, StandardCharsets.UTF_8).stripTrailing();
            if (s.length() > STDERR_TAIL_CHARS) {
                s = s.substring(s.length() - STDERR_TAIL_CHARS);
                truncated = true;
            }
            return truncated ? "..." + s : s;
        }
    }

    /**
     * Told every command line (secrets masked, see {@link #describe()}) just before it starts, for
     * front ends that log what they run. Does nothing by default.
     */
    public static volatile java.util.function.Consumer<String> observer = command -> {};

    /** For messages: the command with secrets masked. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        for (String c : command) {
            parts.add(mask(c));
        }
        return String.join(" ", parts);
    }
}
