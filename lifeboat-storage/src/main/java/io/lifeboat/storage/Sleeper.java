package io.lifeboat.storage;

import java.time.Duration;

/** Waits; replaced in tests so that waiting costs no time. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread. */
    Sleeper SYSTEM = Thread::sleep;

    void sleep(Duration duration) throws InterruptedException;
}
