package io.lifeboat.odoozip;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ordered output of a zip being written: items are written in the order they are queued, each
 * once its work (a deflate, possibly on another thread) is done. At most {@code 2 × threads} items
 * wait (one with a single thread, which then works in the caller's thread), so memory stays bounded;
 * their blocks are reused. Not thread-safe: one thread queues and drains.
 */
final class DeflatePipeline {
    private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

    /** Writes an item's bytes, in order. */
    interface Emitter {
        void emit() throws IOException;
    }

    /** Something to write, in call order, once its (possibly concurrent) work is done. */
    record Item(FutureTask<Void> work, DeflateBlock block, Emitter emitter) {}

    private final int threads;
    private final int blockSize;
    private final int maxQueued;
    private final ArrayDeque<Item> queue = new ArrayDeque<>();
    private final ArrayDeque<DeflateBlock> freeBlocks = new ArrayDeque<>();
    private ExecutorService pool;

    DeflatePipeline(int threads, int blockSize) {
        this.threads = threads;
        this.blockSize = blockSize;
        this.maxQueued = threads == 1 ? 1 : 2 * threads;
    }

    /** Starts the item's work and queues it; writes the oldest items while too many wait. */
    void enqueue(Item item) throws IOException {
        if (item.work() != null && !item.work().isDone()) {
            if (threads == 1) {
                item.work().run();
            } else {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(threads, r -> {
                        Thread t = new Thread(r, "lifeboat-zip-deflate-" + THREAD_NUMBER.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
                }
                pool.execute(item.work());
            }
        }
        queue.addLast(item);
        while (queue.size() > maxQueued) {
            drainOne();
        }
    }

    /** Writes every queued item. */
    void drainAll() throws IOException {
        while (!queue.isEmpty()) {
            drainOne();
        }
    }

    private void drainOne() throws IOException {
        Item item = queue.removeFirst();
        if (item.work() != null) {
            await(item.work());
        }
        item.emitter().emit();
        if (item.block() != null) {
            freeBlocks.push(item.block());
        }
    }

    private static void await(FutureTask<Void> work) throws IOException {
        try {
            work.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing a zip entry");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IOException("zip entry compression failed", cause);
        }
    }

    /** An empty block, reused when one is free. */
    DeflateBlock takeBlock() {
        DeflateBlock b = freeBlocks.poll();
        if (b == null) {
            b = new DeflateBlock(blockSize);
        }
        b.reset();
        return b;
    }

    /** Stops the threads and drops what waits. */
    void release() {
        if (pool != null) {
            pool.shutdownNow();
            pool = null;
        }
        queue.clear();
        freeBlocks.clear();
    }

    static FutureTask<Void> task(Runnable r) {
        return new FutureTask<>(r, null);
    }

    /** Work already done (an item whose block was deflated before it was queued). */
    static FutureTask<Void> completed() {
        FutureTask<Void> t = task(() -> {});
        t.run();
        return t;
    }
}
