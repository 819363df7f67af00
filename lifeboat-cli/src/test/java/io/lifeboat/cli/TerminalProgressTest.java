package io.lifeboat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** What the progress line shows, drawn into a buffer instead of a terminal. */
class TerminalProgressTest {

    /** Draws what {@code script} reports and returns the text written, escape sequences removed. */
    private static String drawn(ThrowingConsumer<TerminalProgress> script) throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        try (TerminalProgress p = new TerminalProgress(true, capture)) {
            script.accept(p);
        } finally {
            System.setErr(err);
        }
        return buffer.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*[A-Za-z]", "");
    }

    interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    /**
     * A restore loads the database (bytes) while another thread restores the filestore (files): each
     * bar counts its own units and never passes its total.
     */
    @Test
    void concurrentPhasesCountTheirOwnUnits() throws Exception {
        String out = drawn(p -> {
            p.phase("load database", 4 << 20, "bytes");
            Thread files = Thread.ofPlatform().start(() -> {
                p.phase("restore filestore", 3, "files");
                for (int i = 0; i < 3; i++) {
                    Thread worker = Thread.ofPlatform().start(() -> p.advance(1));
                    join(worker);
                }
            });
            files.join();
            p.advance(1 << 20);
            p.advance(3 << 20);
            p.phase("verify", -1, "");
        });
        Matcher m = Pattern.compile("(\\d+)/(\\d+) files").matcher(out);
        int seen = 0;
        while (m.find()) {
            seen++;
            assertThat(Long.parseLong(m.group(1))).as(out).isLessThanOrEqualTo(Long.parseLong(m.group(2)));
        }
        assertThat(seen).as(out).isPositive();
        assertThat(out).contains("restore filestore").contains("3/3 files");
        assertThat(out).contains("load database").contains("4.0 MiB/4.0 MiB");
    }

    /** A finished phase leaves a completed line behind, not a stale half-drawn one. */
    @Test
    void finishedPhaseIsShownComplete() throws Exception {
        String out = drawn(p -> {
            p.phase("verify", -1, "");
            p.phase("commit snapshot", 10, "files");
            p.advance(10);
        });
        String[] lines = out.split("\n");
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("verify").contains("done"));
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .contains("commit snapshot")
                        .contains("10/10 files")
                        .contains("done"));
        assertThat(out).doesNotContain("?");
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
