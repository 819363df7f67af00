package io.lifeboat.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lifeboat.LifeboatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRunnerTest {

    @TempDir
    Path dir;

    @Test
    void feedsStdinAndStreamsStdout() {
        byte[] data = new byte[5 * 1024 * 1024 + 17];
        new Random(1).nextBytes(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.Result r = ProcessRunner.command("cat")
                .stdin(new ByteArrayInputStream(data))
                .stdout(out)
                .run();
        assertThat(r.exitCode()).isZero();
        assertThat(out.toByteArray()).isEqualTo(data);
    }

    @Test
    void feedsStdinFromFile() throws IOException {
        Path in = dir.resolve("in");
        Files.writeString(in, "hello\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessRunner.command("cat").stdin(in).stdout(out).run();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
    }

    @Test
    void streamsLargeOutputWithoutBuffering() {
        AtomicLong count = new AtomicLong();
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                count.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
                count.addAndGet(len);
            }
        };
        ProcessRunner.command("head", "-c", "300000000", "/dev/zero")
                .stdout(counting)
                .run();
        assertThat(count.get()).isEqualTo(300_000_000L);
    }

    @Test
    void nonZeroExitThrowsWithStderrTailAndNoPassword() {
        assertThatThrownBy(() -> ProcessRunner.command(
                                "sh", "-c", "echo \"auth failed for $PGPASSWORD and x-$EXTRA\" >&2; exit 3")
                        .env("PGPASSWORD", "s3cr3t-pw")
                        .env("EXTRA", "token-123")
                        .secret("token-123")
                        .hint("Check the password.")
                        .run())
                .isInstanceOfSatisfying(ProcessRunner.Failed.class, e -> {
                    assertThat(e.kind()).isEqualTo(LifeboatException.Kind.ENVIRONMENT);
                    assertThat(e.exitCode()).isEqualTo(3);
                    assertThat(e.program()).isEqualTo("sh");
                    assertThat(e.getMessage()).isEqualTo("sh failed with exit code 3: auth failed for *** and x-***");
                    assertThat(e.getMessage()).doesNotContain("s3cr3t-pw").doesNotContain("token-123");
                    assertThat(e.hint()).isEqualTo("Check the password.");
                });
    }

    @Test
    void inheritedPasswordIsMaskedToo() {
        // PGPASSWORD may come from the parent environment rather than env(): mask it as well
        ProcessRunner runner = ProcessRunner.command("sh", "-c", "echo \"pw=$MY_DB_PASSWORD\" >&2; exit 1")
                .clearEnv()
                .env("MY_DB_PASSWORD", "hunter2");
        assertThatThrownBy(runner::run).hasMessage("sh failed with exit code 1: pw=***");
    }

    @Test
    void stderrTailIsBoundedAndKeepsTheEnd() {
        ProcessRunner.Result r = ProcessRunner.command(
                        "sh", "-c", "yes error-line | head -n 200000 >&2; echo THE-END >&2; exit 2")
                .checkExit(false)
                .run();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderrTail()).hasSizeLessThanOrEqualTo(ProcessRunner.STDERR_TAIL_CHARS + 3);
        assertThat(r.stderrTail()).startsWith("...").endsWith("error-line\nTHE-END");
    }

    @Test
    void missingProgramIsAnEnvironmentError() {
        assertThatThrownBy(
                        () -> ProcessRunner.command(dir.resolve("no-such-tool").toString())
                                .run())
                .isInstanceOf(LifeboatException.class)
                .hasMessageStartingWith("cannot run ")
                .extracting(e -> ((LifeboatException) e).kind())
                .isEqualTo(LifeboatException.Kind.ENVIRONMENT);
    }

    @Test
    void timeoutKillsTheProgram() throws IOException {
        Path pidFile = dir.resolve("pid");
        long start = System.nanoTime();
        assertThatThrownBy(() -> ProcessRunner.command("sh", "-c", "echo $$ > " + pidFile + "; exec sleep 60")
                        .timeout(Duration.ofMillis(500))
                        .run())
                .isInstanceOf(LifeboatException.class)
                .hasMessageContaining("did not finish within 500 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        long pid = Long.parseLong(Files.readString(pidFile).trim());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .isFalse();
    }

    @Test
    void failingStdinSourceKillsTheProgramInsteadOfEndingItsInput() {
        Path marker = dir.resolve("completed");
        InputStream failing = new InputStream() {
            private int served;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (served > 100_000) {
                    throw new IOException("source broke");
                }
                served += len;
                return len;
            }
        };
        assertThatThrownBy(() -> ProcessRunner.command("sh", "-c", "cat > /dev/null && touch " + marker)
                        .stdin(failing)
                        .run())
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("source broke");
        assertThat(marker).doesNotExist();
    }

    @Test
    void failingSinkKillsTheProgram() {
        OutputStream failing = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("disk full");
            }
        };
        assertThatThrownBy(() -> ProcessRunner.command("yes").stdout(failing).run())
                .isInstanceOf(UncheckedIOException.class)
                .hasRootCauseMessage("disk full");
    }

    @Test
    void runsOnce() {
        ProcessRunner r = ProcessRunner.command("true");
        r.run();
        assertThatThrownBy(r::run).isInstanceOf(IllegalStateException.class);
    }
}
