package io.lifeboat.archfixture.repository;

import io.lifeboat.archfixture.backup.Engine;

/** A repository class that calls an engine: the violation the architecture test must catch. */
public final class Leaky {
    public static int use() {
        return Engine.run();
    }
}
