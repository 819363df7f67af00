package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.Printable;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.ProgressListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders core progress on one status line of standard error, and leaves one completed line per
 * finished phase. Thread-safe.
 *
 * <p>Phases may run at once (a restore loads the database while it restores the filestore), and
 * {@link #advance} does not say which phase it counts for. It counts for the phase its thread
 * started or inherited: a phase belongs to the thread that began it and to the threads that thread
 * starts afterwards, so each bar counts its own units. A thread that began no phase counts for the
 * newest one. A phase ends when its thread begins the next, when its total is reached, or on close.
 */
public final class TerminalProgress implements ProgressListener, AutoCloseable {
    private static final long REDRAW_NANOS = 100_000_000L;

    private final boolean draw;
    private final PrintStream warnings;
    private final int width;
    private final InheritableThreadLocal<Phase> current = new InheritableThreadLocal<>();
    private final List<Phase> active = new ArrayList<>();
    private long lastDraw;
    private boolean lineShown;

    /** The progress of the running command, for the interruption handler. */
    private static volatile TerminalProgress latest;

    TerminalProgress(boolean draw, PrintStream warnings) {
        this.draw = draw && warnings != null;
        this.warnings = warnings;
        this.width = terminalWidth();
        latest = this;
    }

    /** Clears the status line of the running command (on interruption). */
    static void clearAll() {
        TerminalProgress p = latest;
        if (p != null) p.interrupted();
    }

    /** One phase: its name, its total (or -1) and how much is done, in its unit. */
    private static final class Phase {
        final String name;
        final long total;
        final String unit;
        final long start = System.nanoTime();
        final Thread owner = Thread.currentThread();
        long done;

        Phase(String name, long total, String unit) {
            this.name = name;
            this.total = total;
            this.unit = unit == null ? "" : unit;
        }

        String amount(boolean finished) {
            boolean bytes = unit.equals("bytes");
            long shown = total >= 0 ? Math.min(done, total) : done;
            if (total >= 0) {
                String of = bytes
                        ? Units.bytes(shown) + "/" + Units.bytes(total)
                        : shown + "/" + total + (unit.isEmpty() ? "" : " " + unit);
                return (finished ? "" : percent(shown) + " ") + of;
            }
            if (done == 0) return "";
            return bytes ? Units.bytes(done) : done + (unit.isEmpty() ? "" : " " + unit);
        }

        private String percent(long shown) {
            return total == 0 ? "100%" : String.format(Locale.ROOT, "%3d%%", shown * 100 / total);
        }

        String status() {
            String a = amount(false);
            return a.isEmpty() ? name + " …" : name + " " + a;
        }

        String finished() {
            double seconds = (System.nanoTime() - start) / 1e9;
            String a = amount(true);
            return String.format(Locale.ROOT, "%s: done%s in %.1f s", name, a.isEmpty() ? "" : ", " + a, seconds);
        }
    }

    public synchronized void phase(String name, long total, String unit) {
        Phase before = current.get();
        // a thread's next phase ends its previous one; a phase inherited from the parent thread goes on
        if (before != null && before.owner == Thread.currentThread()) finish(before);
        Phase p = new Phase(Printable.of(name), total, unit);
        Main.log().fileOnly("phase " + name);
        current.set(p);
        active.add(p);
        redraw(true);
    }

    public synchronized void advance(long amount) {
        Phase p = current.get();
        if (p == null && !active.isEmpty()) p = active.get(active.size() - 1);
        if (p == null || !active.contains(p)) return;
        p.done += amount;
        if (p.total >= 0 && p.done >= p.total) finish(p);
        else redraw(false);
    }

    public synchronized void warn(String message) {
        Main.log().fileOnly("warning: " + message);
        if (warnings == null || Lifeboat.interrupted()) return;
        clearLine();
        warnings.println("warning: " + Printable.of(message));
        redraw(true);
    }

    /**
     * Prints a line of the command's own between steps: the phases still shown are ended first, so the
     * line never lands on the status line.
     */
    public synchronized void say(String line) {
        for (Phase p : List.copyOf(active)) finish(p);
        clearLine();
        if (warnings != null) {
            warnings.println(Printable.of(line));
            warnings.flush();
        }
    }

    /** On interruption: the status line is cleared and nothing more is drawn. */
    synchronized void interrupted() {
        clearLine();
    }

    /** Ends {@code p}: its completed line replaces the status line. */
    private void finish(Phase p) {
        if (!active.remove(p)) return;
        Main.log().fileOnly(p.finished());
        if (!draw || Lifeboat.interrupted()) return;
        clearLine();
        warnings.println(p.finished());
        redraw(true);
    }

    private void redraw(boolean now) {
        if (!draw || Lifeboat.interrupted()) return;
        long t = System.nanoTime();
        if (!now && t - lastDraw < REDRAW_NANOS) return;
        lastDraw = t;
        if (active.isEmpty()) {
            clearLine();
            return;
        }
        List<String> parts = new ArrayList<>();
        for (Phase p : active) parts.add(p.status());
        String line = String.join(" | ", parts);
        if (line.length() > width - 1) line = line.substring(0, Math.max(0, width - 2)) + "…";
        warnings.print("\r\u001b[K" + line);
        warnings.flush();
        lineShown = true;
    }

    private void clearLine() {
        if (lineShown) {
            warnings.print("\r\u001b[K");
            warnings.flush();
            lineShown = false;
        }
    }

    /** The facade's progress events: the same rendering as the engines' direct calls. */
    @Override
    public void onEvent(ProgressEvent event) {
        switch (event.type()) {
            case PHASE -> phase(event.phase(), event.total(), event.unit());
            case ADVANCE -> advance(event.delta());
            case WARNING -> warn(event.message());
        }
    }

    @Override
    public synchronized void close() {
        for (Phase p : List.copyOf(active)) finish(p);
        clearLine();
        current.remove();
    }

    /** The terminal's width from {@code $COLUMNS}, or 80. */
    private static int terminalWidth() {
        try {
            String c = System.getenv("COLUMNS");
            int w = c == null ? 0 : Integer.parseInt(c.trim());
            return w >= 20 ? w : 80;
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
