package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.config.InstanceConfig;
import io.lifeboat.config.LifeboatConfig;
import io.lifeboat.config.RepositoryConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --stanza NAME}: an instance of Lifeboat's configuration file whose settings are the defaults of
 * {@link InstanceOptions} and {@link RepositoryOptions}; options given on the command line still win.
 */
public final class StanzaOptions {

    @Option(
            names = "--stanza",
            paramLabel = "NAME",
            description = "Instance of the configuration file (lifeboat --config-file) whose settings are this"
                    + " command's defaults; options given here still win.")
    String name;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    private InstanceConfig instance;
    private RepositoryConfig repository;
    private Path file;

    /**
     * The configuration file {@code lifeboat --config-file} names, else {@code $LIFEBOAT_CONFIG}, else
     * the default path, read and validated.
     */
    static LifeboatConfig readConfig(CommandSpec spec, Map<String, String> env) {
        Path option = spec.root().userObject() instanceof Main m ? m.configFile : null;
        return LifeboatConfig.read(LifeboatConfig.locate(option, env), env);
    }

    /** The {@code --stanza} options of the command {@code spec} belongs to, or null when it has none. */
    static StanzaOptions of(CommandSpec command) {
        if (command == null) return null;
        for (CommandSpec m : command.mixins().values()) {
            if (m.userObject() instanceof StanzaOptions s) return s;
        }
        return null;
    }

    /** The stanza's name, or null when {@code --stanza} was not given. */
    String name() {
        return name;
    }

    /** The stanza's instance, or null when {@code --stanza} was not given. */
    InstanceConfig instance() {
        if (name == null) return null;
        if (instance == null) {
            LifeboatConfig config = readConfig(mixee, System.getenv());
            instance = config.instance(name);
            file = config.file();
            if (instance.repository() != null)
                repository = config.repositories().get(instance.repository());
        }
        return instance;
    }

    /** The stanza's repository, or null when {@code --stanza} was not given or its instance names none. */
    RepositoryConfig repository() {
        return instance() == null ? null : repository;
    }

    /** The configuration file the stanza was read from, for messages. */
    Path file() {
        instance();
        return file;
    }

    /** The stanza's repository, failing when the instance names none. */
    RepositoryConfig requireRepository() {
        RepositoryConfig r = repository();
        if (r == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "instance \"" + name + "\" in " + file + " names no repository",
                    "Give one under the instance or under defaults (docs/configuration.md), or use --repo.");
        }
        return r;
    }
}
