package io.lifeboat.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries the operations of another backend that fail with a transient error (see {@link
 * StorageErrors#isTransient}), waiting between attempts as {@link RetryPolicy} says. Permanent
 * errors, missing objects and invalid names fail at once.
 *
 * <p>Each save attempt re-opens the {@link ContentSource}. A stream returned by {@link #load}
 * resumes after a transient read failure by loading the rest of the range again, so callers see one
 * uninterrupted stream; this relies on objects not being replaced while they are read. Thread-safe
 * when the delegate is.
 */
public final class RetryingBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingBackend.class);

    private final Backend delegate;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final RandomGenerator random;

    public RetryingBackend(Backend delegate, RetryPolicy policy) {
        this(delegate, policy, Sleeper.SYSTEM, RandomGenerator.getDefault());
    }

    /** For tests: {@code sleeper} does the waiting and {@code random} picks the jitter. */
    public RetryingBackend(Backend delegate, RetryPolicy policy, Sleeper sleeper, RandomGenerator random) {
        this.delegate = delegate;
        this.policy = policy;
        this.sleeper = sleeper;
        this.random = random;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        ObjectNames.check(name);
        retry("save", name, () -> {
            delegate.save(name, source);
            return null;
        });
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        ObjectNames.check(name);
        InputStream first = retry("load", name, () -> delegate.load(name, offset, length));
        return new ResumingStream(name, offset, length, first);
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        ObjectNames.check(name);
        return retry("stat", name, () -> delegate.stat(name));
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        ObjectNames.checkPrefix(prefix);
        return retry("list", prefix, () -> delegate.list(prefix));
    }

    @Override
    public void delete(String name) throws IOException {
        ObjectNames.check(name);
        retry("delete", name, () -> {
            delegate.delete(name);
            return null;
        });
    }

    @Override
    public Optional<java.net.URI> presignedUrl(String name, java.time.Duration ttl) {
        return delegate.presignedUrl(name, ttl);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String toString() {
        return "retrying " + delegate;
    }

    private interface Attempt<T> {
        T run() throws IOException;
    }

    private <T> T retry(String operation, String name, Attempt<T> attempt) throws IOException {
        for (int failures = 0; ; ) {
            try {
                return attempt.run();
            } catch (IOException e) {
                failures++;
                if (!StorageErrors.isTransient(e)) {
                    throw e;
                }
                if (failures >= policy.maxAttempts()) {
                    throw gaveUp(operation, name, failures, e);
                }
                pause(operation, name, failures, e);
            }
        }
    }

    private static IOException gaveUp(String operation, String name, int failures, IOException last) {
        return new IOException(
                Redaction.redact(
                        operation + " " + name + " failed after " + failures + " attempts: " + last.getMessage()),
                last);
    }

    private void pause(String operation, String name, int failures, IOException cause) throws IOException {
        long ceiling = policy.ceiling(failures).toMillis();
        Duration delay = Duration.ofMillis(ceiling <= 0 ? 0 : random.nextLong(ceiling + 1));
        LOG.warn(
                "{} {} failed (attempt {} of {}), retrying in {} ms: {}",
                operation,
                name,
                failures,
                policy.maxAttempts(),
                delay.toMillis(),
                Redaction.redact(cause.getMessage()));
        try {
            sleeper.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("interrupted while waiting to retry " + operation + " " + name);
            interrupted.addSuppressed(cause);
            throw interrupted;
        }
    }

    /** Re-loads the remaining range after a transient read failure. */
    private final class ResumingStream extends InputStream {
        private final String name;
        private final long offset;
        private final long length;
        private InputStream current;
        private long position;
        private int failures;
        private boolean closed;

        ResumingStream(String name, long offset, long length, InputStream first) {
            this.name = name;
            this.offset = offset;
            this.length = length;
            this.current = first;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            while (true) {
                try {
                    if (current == null) {
                        current = delegate.load(name, offset + position, length < 0 ? -1 : length - position);
                    }
                    int n = current.read(b, off, len);
                    if (n > 0) {
                        position += n;
                        failures = 0;
                    }
                    return n;
                } catch (IOException e) {
                    failures++;
                    if (!StorageErrors.isTransient(e)) {
                        throw e;
                    }
                    if (failures >= policy.maxAttempts()) {
                        throw gaveUp("load", name, failures, e);
                    }
                    closeCurrent(e);
                    pause("load", name, failures, e);
                }
            }
        }

        @Override
        public long skip(long n) throws IOException {
            // Reading keeps the resume position exact; the delegate's skip may not be.
            return super.skip(n);
        }

        @Override
        public void close() throws IOException {
            closed = true;
            if (current != null) {
                InputStream c = current;
                current = null;
                c.close();
            }
        }

        private void closeCurrent(IOException failure) {
            if (current != null) {
                try {
                    current.close();
                } catch (IOException | RuntimeException e) {
                    failure.addSuppressed(e);
                }
                current = null;
            }
        }
    }
}
