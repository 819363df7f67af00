package io.lifeboat.storage.testing;

import io.lifeboat.storage.Backend;
import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.ObjectInfo;
import io.lifeboat.storage.PermanentStorageException;
import io.lifeboat.storage.Sleeper;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injects failures into another backend: scripted (the next calls of an operation get these faults,
 * in order) or random (each call gets a fault with a given probability). Faults: an {@link
 * IOException} before the call, a permanent error, a load stream reset after some bytes, a save
 * whose content stream breaks after some bytes (the wrapped backend must not expose the partial
 * object), and a slow call (waiting through the injected {@link Sleeper}). Thread-safe.
 */
public final class FaultyBackend implements Backend {

    /** The operations faults apply to. */
    public enum Operation {
        SAVE,
        LOAD,
        STAT,
        LIST,
        DELETE
    }

    /** What goes wrong in one call. */
    public record Fault(Kind kind, long bytes, Duration delay) {
        public enum Kind {
            NONE,
            FAIL_BEFORE,
            PERMANENT,
            RESET_AFTER,
            PARTIAL_WRITE,
            SLOW
        }

        public static Fault none() {
            return new Fault(Kind.NONE, 0, Duration.ZERO);
        }

        /** An {@link IOException} before the wrapped backend is called. */
        public static Fault failBefore() {
            return new Fault(Kind.FAIL_BEFORE, 0, Duration.ZERO);
        }

        /** A {@link PermanentStorageException} before the wrapped backend is called. */
        public static Fault permanent() {
            return new Fault(Kind.PERMANENT, 0, Duration.ZERO);
        }

        /** Load only: the stream throws after {@code bytes} bytes. */
        public static Fault resetAfter(long bytes) {
            return new Fault(Kind.RESET_AFTER, bytes, Duration.ZERO);
        }

        /** Save only: the content stream the wrapped backend reads breaks after {@code bytes} bytes. */
        public static Fault partialWrite(long bytes) {
            return new Fault(Kind.PARTIAL_WRITE, bytes, Duration.ZERO);
        }

        /** Waits {@code delay} (through the sleeper), then calls the wrapped backend. */
        public static Fault slow(Duration delay) {
            return new Fault(Kind.SLOW, 0, delay);
        }
    }

    private final Backend delegate;
    private final Sleeper sleeper;
    private final Map<Operation, Deque<Fault>> scripts = new EnumMap<>(Operation.class);
    private final Map<Operation, AtomicInteger> calls = new EnumMap<>(Operation.class);
    private final AtomicInteger injected = new AtomicInteger();
    private Random random; // guarded by this
    private double probability; // guarded by this

    public FaultyBackend(Backend delegate, Sleeper sleeper) {
        this.delegate = delegate;
        this.sleeper = sleeper;
        for (Operation operation : Operation.values()) {
            scripts.put(operation, new ArrayDeque<>());
            calls.put(operation, new AtomicInteger());
        }
    }

    /** The next calls of {@code operation} get {@code faults}, one each, in order. */
    public synchronized FaultyBackend script(Operation operation, Fault... faults) {
        scripts.get(operation).addAll(List.of(faults));
        return this;
    }

    /** Once the script is used up, each call gets a random fault with {@code probability}. */
    public synchronized FaultyBackend randomly(double probability, long seed) {
        this.probability = probability;
        this.random = new Random(seed);
        return this;
    }

    /** Calls of {@code operation} so far, faulty or not. */
    public int calls(Operation operation) {
        return calls.get(operation).get();
    }

    /** Faults injected so far ({@link Fault.Kind#NONE} not counted). */
    public int injected() {
        return injected.get();
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public void save(String name, ContentSource source) throws IOException {
        Fault fault = begin(Operation.SAVE, source.length());
        if (fault.kind() == Fault.Kind.PARTIAL_WRITE) {
            delegate.save(name, new FailingContent(source, fault.bytes(), 1));
            throw new IllegalStateException("the backend saved content whose stream failed");
        }
        delegate.save(name, source);
    }

    @Override
    public InputStream load(String name, long offset, long length) throws IOException {
        Fault fault = begin(Operation.LOAD, length < 0 ? 4L << 20 : length);
        InputStream in = delegate.load(name, offset, length);
        return fault.kind() == Fault.Kind.RESET_AFTER ? FailingContent.failAfter(in, fault.bytes()) : in;
    }

    @Override
    public Optional<ObjectInfo> stat(String name) throws IOException {
        begin(Operation.STAT, 0);
        return delegate.stat(name);
    }

    @Override
    public List<ObjectInfo> list(String prefix) throws IOException {
        begin(Operation.LIST, 0);
        return delegate.list(prefix);
    }

    @Override
    public void delete(String name) throws IOException {
        begin(Operation.DELETE, 0);
        delegate.delete(name);
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }

    @Override
    public String toString() {
        return "faulty " + delegate;
    }

    private Fault begin(Operation operation, long size) throws IOException {
        calls.get(operation).incrementAndGet();
        Fault fault = next(operation, size);
        switch (fault.kind()) {
            case NONE -> {
                return fault;
            }
            case FAIL_BEFORE -> {
                injected.incrementAndGet();
                throw new IOException("injected failure: " + operation.name().toLowerCase() + " refused");
            }
            case PERMANENT -> {
                injected.incrementAndGet();
                throw new PermanentStorageException("injected permanent failure: access denied");
            }
            case SLOW -> {
                injected.incrementAndGet();
                try {
                    sleeper.sleep(fault.delay());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted during injected delay");
                }
                return fault;
            }
            default -> {
                injected.incrementAndGet();
                return fault;
            }
        }
    }

    private synchronized Fault next(Operation operation, long size) {
        Fault scripted = scripts.get(operation).poll();
        if (scripted != null) {
            return scripted;
        }
        if (random == null || random.nextDouble() >= probability) {
            return Fault.none();
        }
        long bytes = size > 1 ? random.nextLong(size) : 0;
        int choice = random.nextInt(3);
        return switch (choice) {
            case 0 -> Fault.failBefore();
            case 1 -> Fault.slow(Duration.ofMillis(random.nextInt(5000)));
            default ->
                switch (operation) {
                    case SAVE -> size > 1 ? Fault.partialWrite(bytes) : Fault.failBefore();
                    case LOAD -> size > 1 ? Fault.resetAfter(bytes) : Fault.failBefore();
                    default -> Fault.failBefore();
                };
        };
    }
}
