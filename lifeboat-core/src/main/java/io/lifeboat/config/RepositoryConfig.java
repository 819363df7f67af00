package io.lifeboat.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A repository of the configuration file: what {@code --repo}, {@code --repo-option}, {@code --key}
 * and {@code --writer-key} say on the command line.
 *
 * @param options storage options with plain values
 * @param secretOptions storage options whose values are secrets (credentials)
 * @param keyFile secret key file, or null
 * @param keyPassphrase the secret key's passphrase, or null
 * @param writerKeyFile writer key file, or null
 */
public record RepositoryConfig(
        String name,
        String location,
        Map<String, String> options,
        Map<String, Secret> secretOptions,
        Path keyFile,
        Secret keyPassphrase,
        Path writerKeyFile) {

    public RepositoryConfig {
        options = Map.copyOf(options);
        secretOptions = Map.copyOf(secretOptions);
    }

    /** Every storage option with its secrets resolved from {@code env} or their files. */
    public Map<String, String> storageOptions(Map<String, String> env) {
        Map<String, String> all = new LinkedHashMap<>(options);
        secretOptions.forEach((k, s) -> all.put(k, s.resolve(env)));
        return all;
    }
}
