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
 */
public record LifeboatSettings(
        InstanceSettings instance, RepositorySettings repository, Map<String, String> environment) {

    public LifeboatSettings {
        if (instance == null) instance = InstanceSettings.defaults();
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    public static LifeboatSettings of(InstanceSettings instance, Map<String, String> environment) {
        return new LifeboatSettings(instance, null, environment);
    }

    public LifeboatSettings withRepository(RepositorySettings repository) {
        return new LifeboatSettings(instance, repository, environment);
    }

    public LifeboatSettings withInstance(InstanceSettings instance) {
        return new LifeboatSettings(instance, repository, environment);
    }
}
