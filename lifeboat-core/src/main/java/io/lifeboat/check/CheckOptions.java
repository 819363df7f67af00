package io.lifeboat.check;

/**
 * How to check.
 *
 * @param deep hash every file (otherwise only existence and size are compared)
 * @param threads worker threads for scanning and hashing (at least 1)
 */
public record CheckOptions(boolean deep, int threads) {
    public CheckOptions {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1");
    }

    /** Existence and size, with one thread per processor. */
    public static CheckOptions fast() {
        return new CheckOptions(false, Runtime.getRuntime().availableProcessors());
    }

    /** Existence, size and content, with one thread per processor. */
    public static CheckOptions deepCheck() {
        return new CheckOptions(true, Runtime.getRuntime().availableProcessors());
    }

    public CheckOptions withThreads(int n) {
        return new CheckOptions(deep, n);
    }
}
