package io.lifeboat.usecase;

import io.lifeboat.api.Cancellation;
import io.lifeboat.api.Observer;
import io.lifeboat.api.ProgressEvent;
import io.lifeboat.api.ProgressEvent.Type;
import io.lifeboat.api.ProgressListener;
import io.lifeboat.progress.Progress;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns the engines' progress calls into typed {@link ProgressEvent}s for an {@link Observer}, and makes
 * every progress call a safe point: once the observer's {@link Cancellation} is tripped, the next call
 * fails with {@code CANCELLED} and the engine unwinds through its failure cleanup.
 *
 * <p>A phase counts on the thread that began it and on the threads that thread starts afterwards (an
 * inheritable thread-local), so overlapping phases each count their own units.
 */
public final class Reporting implements Progress {
    private final String operation;
    private final ProgressListener listener;
    private final Cancellation cancellation;
    private final InheritableThreadLocal<Phase> current = new InheritableThreadLocal<>();
    private volatile Phase newest;

    private record Phase(String name, String unit, long total, AtomicLong done) {}

    public Reporting(Observer observer) {
        this.operation = observer.operation() != null
                ? observer.operation()
                : UUID.randomUUID().toString().substring(0, 8);
        this.listener = observer.listener();
        this.cancellation = observer.cancellation();
    }

    /** The id progress events carry. */
    public String operation() {
        return operation;
    }

    public Cancellation cancellation() {
        return cancellation;
    }

    /** A safe point outside any progress call. */
    @Override
    public void checkCancelled() {
        cancellation.check();
    }

    @Override
    public void phase(String name, long total, String unit) {
        cancellation.check();
        Phase p = new Phase(name, unit == null ? "" : unit, total, new AtomicLong());
        current.set(p);
        newest = p;
        listener.onEvent(new ProgressEvent(operation, Type.PHASE, name, p.unit(), 0, total, 0, null, null));
    }

    @Override
    public void advance(long amount) {
        cancellation.check();
        Phase p = current.get();
        if (p == null) p = newest;
        if (p == null) return;
        long done = p.done().addAndGet(amount);
        listener.onEvent(
                new ProgressEvent(operation, Type.ADVANCE, p.name(), p.unit(), done, p.total(), amount, null, null));
    }

    @Override
    public void warn(String message) {
        Phase p = current.get();
        listener.onEvent(
                new ProgressEvent(operation, Type.WARNING, p == null ? null : p.name(), null, 0, -1, 0, null, message));
    }
}
