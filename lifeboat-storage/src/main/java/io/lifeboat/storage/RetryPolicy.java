package io.lifeboat.storage;

import java.time.Duration;

/**
 * How {@link RetryingBackend} retries: at most {@code maxAttempts} attempts per operation, and
 * before attempt {@code n + 1} a random wait between zero and {@code min(maxDelay, baseDelay *
 * 2^(n-1))} ("full jitter" exponential backoff).
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry attempts must be at least 1, got " + maxAttempts);
        }
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry delays must not be negative");
        }
    }

    /** 8 attempts, 0.5 s base delay, at most 30 s between attempts (about 1 minute in total). */
    public static RetryPolicy defaults() {
        return new RetryPolicy(8, Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    /** The longest wait after {@code failures} consecutive failures ({@code failures >= 1}). */
    public Duration ceiling(int failures) {
        long base = baseDelay.toMillis();
        int shift = Math.min(Math.max(failures - 1, 0), 40);
        long millis = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
