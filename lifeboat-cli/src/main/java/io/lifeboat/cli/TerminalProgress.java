package io.lifeboat.cli;

import io.lifeboat.Printable;
import io.lifeboat.progress.Progress;
import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Renders core progress as a progress bar on standard error, one bar per phase. Thread-safe. */
public final class TerminalProgress implements Progress, AutoCloseable {
    private final boolean draw;
    private final PrintStream warnings;
    private ProgressBar bar;

    TerminalProgress(boolean draw, PrintStream warnings) {
        this.draw = draw;
        this.warnings = warnings;
    }

    @Override
    public synchronized void phase(String name, long total, String unit) {
        closeBar();
        if (!draw) return;
        var builder = new ProgressBarBuilder()
                .setTaskName(Printable.of(name))
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(Terminal.rawErr()))
                .continuousUpdate();
        if ("bytes".equals(unit)) builder.setUnit(" MiB", 1 << 20).showSpeed();
        else builder.setUnit(" " + unit, 1);
        bar = builder.build();
    }

    @Override
    public synchronized void advance(long amount) {
        if (bar != null) bar.stepBy(amount);
    }

    @Override
    public synchronized void warn(String message) {
        if (warnings == null) return;
        if (bar != null) {
            closeBar();
        }
        warnings.println("warning: " + Printable.of(message));
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public synchronized void close() {
        closeBar();
    }
}
