package io.lifeboat.api;

import java.util.Map;

/**
 * Everything the {@link io.lifeboat.Lifeboat} facade needs, fixed when it opens: the instance, the
 * repository and the process environment it may read ({@code PG*} variables, {@code PATH} for the
 * PostgreSQL tools, {@code HOME}) — the core itself never reads the environment.
 *
 * @param instance the Odoo instance, or {@link InstanceSettings#defaults()}
 * @param repository the repository, or null when no command needs one
 * @param environment the environment variables the core may read
 * @param threads worker threads the facade owns (0: one per processor)
 */
public record LifeboatSettings(
        InstanceSettings instance, RepositorySettings repository, Map<String, String> environment, int threads) {

    public LifeboatSettings {
        if (instance == null) instance = InstanceSettings.defaults();
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        if (threads < 0) throw new IllegalArgumentException("threads < 0");
    }

    public static LifeboatSettings of(InstanceSettings instance, Map<String, String> environment) {
        return new LifeboatSettings(instance, null, environment, 0);
    }

    public LifeboatSettings withRepository(RepositorySettings repository) {
        return new LifeboatSettings(instance, repository, environment, threads);
    }

    public LifeboatSettings withInstance(InstanceSettings instance) {
        return new LifeboatSettings(instance, repository, environment, threads);
    }
}
