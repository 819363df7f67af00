package io.lifeboat.cli;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.api.RepositorySettings;
import io.lifeboat.config.RepositoryConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Options that say which repository to work on and with which key: {@code --repo} (or {@code
 * $LIFEBOAT_REPO}), storage options, {@code --key} (secret key, full access; or {@code $LIFEBOAT_KEY})
 * or {@code --writer-key} (write-only; or {@code $LIFEBOAT_WRITER_KEY}). A protected secret key's
 * passphrase comes from {@code $LIFEBOAT_KEY_PASSPHRASE}. With {@code --stanza} ({@link StanzaOptions})
 * and no {@code --repo}, the instance's repository of the configuration file supplies location, storage
 * options, key files and passphrase; options given still win.
 */
public final class RepositoryOptions {
    static final String REPO_ENV = "LIFEBOAT_REPO";
    static final String KEY_ENV = "LIFEBOAT_KEY";
    static final String WRITER_KEY_ENV = "LIFEBOAT_WRITER_KEY";
    static final String PASSPHRASE_ENV = "LIFEBOAT_KEY_PASSPHRASE";

    /** Where environment variables come from (replaced in tests). */
    static UnaryOperator<String> environment = System::getenv;

    @Option(
            names = {"-r", "--repo"},
            paramLabel = "LOCATION",
            description = "Repository: a path, s3:https://host/bucket/prefix, s3:bucket/prefix or sftp://user@host/path"
                    + " (default: $" + REPO_ENV + ").")
    String location;

    @Option(
            names = {"--repo-option", "--option"},
            paramLabel = "KEY=VALUE",
            description = "Storage option, e.g. s3.region=eu-west-1 or sftp.known-hosts=FILE (repeatable).")
    Map<String, String> storageOptions = new LinkedHashMap<>();

    @Option(
            names = "--key",
            paramLabel = "FILE",
            description =
                    "Secret key file: full access (default: $" + KEY_ENV + "; passphrase in $" + PASSPHRASE_ENV + ").")
    Path key;

    @Option(
            names = "--writer-key",
            paramLabel = "FILE",
            description = "Writer key file: write-only access, for backup machines (default: $" + WRITER_KEY_ENV + ").")
    Path writerKey;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /**
     * The repository of the {@code --stanza} instance, or null: when {@code --stanza} was not given, or
     * {@code --repo} was (another repository, so none of the stanza's settings apply).
     */
    RepositoryConfig stanza() {
        if (location != null) return null;
        StanzaOptions s = StanzaOptions.of(mixee);
        return s == null || s.name() == null ? null : s.requireRepository();
    }

    static String env(String name) {
        String v = environment.apply(name);
        return v == null || v.isBlank() ? null : v;
    }

    /** Whether a repository was named, by option or environment. */
    public boolean given() {
        return location() != null;
    }

    /** Whether {@code --repo} itself was given (not only the environment variable). */
    boolean givenOnCommandLine() {
        return location != null;
    }

    String location() {
        if (location != null) return location;
        RepositoryConfig s = stanza();
        return s != null ? s.location() : env(REPO_ENV);
    }

    Path keyFile() {
        if (key != null) return key;
        RepositoryConfig s = stanza();
        return s != null && s.keyFile() != null ? s.keyFile() : pathEnv(KEY_ENV);
    }

    Path writerKeyFile() {
        if (writerKey != null) return writerKey;
        RepositoryConfig s = stanza();
        return s != null && s.writerKeyFile() != null ? s.writerKeyFile() : pathEnv(WRITER_KEY_ENV);
    }

    private static Path pathEnv(String name) {
        String v = env(name);
        return v == null ? null : Path.of(v);
    }

    static char[] passphrase() {
        String p = env(PASSPHRASE_ENV);
        return p == null ? null : p.toCharArray();
    }

    /** Where a terminal prompt comes from: null when not interactive (replaced in tests). */
    static final java.util.function.Function<String, char[]> PROMPT =
            message -> OutputOptions.interactive() ? System.console().readPassword("%s", message) : null;

    static java.util.function.Function<String, char[]> prompt = PROMPT;

    /**
     * The passphrase of protected key {@code file}: {@code $LIFEBOAT_KEY_PASSPHRASE}, else asked on the
     * terminal, else a failure naming the variable.
     */
    char[] passphraseFor(Path file) {
        RepositoryConfig s = key == null ? stanza() : null;
        if (s != null && s.keyPassphrase() != null && file.equals(s.keyFile())) {
            return s.keyPassphrase().resolve(System.getenv()).toCharArray();
        }
        return askPassphrase(file);
    }

    /**
     * The passphrase of protected key {@code file} given by option or environment: {@code
     * $LIFEBOAT_KEY_PASSPHRASE}, else asked on the terminal, else a failure naming the variable.
     */
    static char[] askPassphrase(Path file) {
        char[] p = passphrase();
        if (p == null) p = prompt.apply("Passphrase for " + file + ": ");
        if (p == null) {
            throw new LifeboatException(
                    Kind.USAGE,
                    "secret key file " + file + " is protected by a passphrase",
                    "Set " + PASSPHRASE_ENV + " to the passphrase, or run on a terminal to be asked for it.");
        }
        return p;
    }

    /**
     * These options (and the {@code --stanza} repository's settings they leave unsaid) as the facade's
     * repository settings; the passphrase of a protected key comes from the configuration file, {@code
     * $LIFEBOAT_KEY_PASSPHRASE} or the terminal, when needed.
     */
    public RepositorySettings settings() {
        String loc = location();
        if (loc == null) return null;
        RepositoryConfig s = stanza();
        Map<String, String> options = new LinkedHashMap<>();
        if (s != null) options.putAll(s.storageOptions(System.getenv()));
        options.putAll(storageOptions);
        return new RepositorySettings(loc, options, keyFile(), writerKeyFile(), this::passphraseFor);
    }
}
