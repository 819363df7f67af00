package io.lifeboat.archfixture.backup;

/** An engine, in a package tree that mirrors Lifeboat's, for the architecture test's own test. */
public final class Engine {
    public static int run() {
        return 1;
    }
}
