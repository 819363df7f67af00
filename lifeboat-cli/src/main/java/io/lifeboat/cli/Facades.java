package io.lifeboat.cli;

import io.lifeboat.Lifeboat;
import io.lifeboat.api.InstanceSettings;
import io.lifeboat.api.LifeboatSettings;
import io.lifeboat.api.RepositorySettings;

/** Opens the facade a command works with, from its options and this process's environment. */
final class Facades {
    private Facades() {}

    /** A facade for {@code instance} (null: Odoo's defaults) and {@code repository} (null: none). */
    static Lifeboat open(InstanceOptions instance, RepositoryOptions repository) {
        InstanceSettings i = instance == null ? InstanceSettings.defaults() : instance.settings();
        RepositorySettings r = repository == null ? null : repository.settings();
        return Lifeboat.open(new LifeboatSettings(i, r, System.getenv()));
    }
}
