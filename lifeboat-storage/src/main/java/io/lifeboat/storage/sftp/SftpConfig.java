package io.lifeboat.storage.sftp;

import io.lifeboat.storage.Redaction;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how {@link SftpBackend} stores objects.
 *
 * @param host server name or address
 * @param port server port, usually 22
 * @param user login name
 * @param path directory holding the objects: absolute ({@code /srv/backups}) or relative to the
 *     login directory ({@code backups}); created when missing
 * @param password password for password authentication, or {@code null}; never shown
 * @param privateKey OpenSSH private key file for public-key authentication, or {@code null}; with
 *     neither password nor key, {@code ~/.ssh/id_ed25519}, {@code id_ecdsa} and {@code id_rsa} are
 *     tried
 * @param privateKeyPassphrase passphrase of an encrypted private key, or {@code null}; never shown
 * @param knownHosts known_hosts file checked for the server's host key; {@code null} means {@code
 *     ~/.ssh/known_hosts}
 * @param hostKeyFingerprint when set (as {@code ssh-keygen -l} prints it, e.g. {@code SHA256:...}),
 *     the only host key accepted, and known_hosts is not read
 * @param acceptNewHostKeys accept a host missing from known_hosts and record its key there; a
 *     changed key is always rejected
 * @param connections SFTP channels used at once (each open {@code load} stream holds one)
 * @param timeout connection, authentication and channel-wait timeout
 */
public record SftpConfig(
        String host,
        int port,
        String user,
        String path,
        String password,
        Path privateKey,
        String privateKeyPassphrase,
        Path knownHosts,
        String hostKeyFingerprint,
        boolean acceptNewHostKeys,
        int connections,
        Duration timeout) {

    public static final int DEFAULT_CONNECTIONS = 4;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public SftpConfig {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("sftp host is missing");
        }
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("sftp user is missing; use sftp://user@host/path");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("sftp port must be between 1 and 65535, got " + port);
        }
        if (connections < 1) {
            throw new IllegalArgumentException("sftp connections must be at least 1, got " + connections);
        }
        path = path == null ? "" : path;
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        Redaction.addSecret(password);
        Redaction.addSecret(privateKeyPassphrase);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code sftp://user@host:port/path} (an absolute path; {@code /~/dir} for a directory
     * under the login directory). Options, all optional: {@code sftp.password}, {@code sftp.key}
     * (private key file), {@code sftp.key-passphrase}, {@code sftp.known-hosts} (file), {@code
     * sftp.host-key} (fingerprint), {@code sftp.accept-new-host-key} ({@code true}/{@code false}),
     * {@code sftp.connections}, {@code sftp.timeout} (seconds). A password in the URL is accepted but
     * discouraged.
     */
    public static SftpConfig parse(String location, Map<String, String> options) {
        URI uri;
        try {
            uri = new URI(location);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "invalid sftp location '" + Redaction.redact(location) + "': expected sftp://user@host:port/path");
        }
        if (!"sftp".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "invalid sftp location '" + Redaction.redact(location) + "': expected sftp://user@host:port/path");
        }
        Builder builder = builder().host(uri.getHost());
        if (uri.getPort() > 0) {
            builder.port(uri.getPort());
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            builder.user(decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                builder.password(decode(userInfo.substring(colon + 1)));
            }
        } else {
            builder.user(System.getProperty("user.name"));
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        if (path.startsWith("/~/")) {
            path = path.substring(3);
        } else if (path.equals("/~")) {
            path = "";
        }
        builder.path(path);
        for (Map.Entry<String, String> option : options.entrySet()) {
            String value = option.getValue();
            switch (option.getKey()) {
                case "sftp.password" -> builder.password(value);
                case "sftp.key" -> builder.privateKey(Path.of(value));
                case "sftp.key-passphrase" -> builder.privateKeyPassphrase(value);
                case "sftp.known-hosts" -> builder.knownHosts(Path.of(value));
                case "sftp.host-key" -> builder.hostKeyFingerprint(value);
                case "sftp.accept-new-host-key" ->
                    builder.acceptNewHostKeys(
                            switch (value.toLowerCase(Locale.ROOT)) {
                                case "true", "yes", "1" -> true;
                                case "false", "no", "0" -> false;
                                default ->
                                    throw new IllegalArgumentException("invalid value for sftp.accept-new-host-key: '"
                                            + value + "'; use true or false");
                            });
                case "sftp.connections" -> builder.connections(parseInt(option.getKey(), value));
                case "sftp.timeout" -> builder.timeout(Duration.ofSeconds(parseInt(option.getKey(), value)));
                default -> {
                    if (option.getKey().startsWith("sftp.")) {
                        throw new IllegalArgumentException("unknown sftp option: " + option.getKey());
                    }
                }
            }
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "SftpConfig[host=" + host + ", port=" + port + ", user=" + user + ", path=" + path + ", password="
                + (password == null ? "null" : Redaction.MASK) + ", privateKey=" + privateKey
                + ", privateKeyPassphrase=" + (privateKeyPassphrase == null ? "null" : Redaction.MASK)
                + ", knownHosts=" + knownHosts + ", hostKeyFingerprint=" + hostKeyFingerprint
                + ", acceptNewHostKeys=" + acceptNewHostKeys + ", connections=" + connections + ", timeout="
                + timeout + "]";
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static int parseInt(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid number for " + option + ": '" + value + "'");
        }
    }

    /** Builds an {@link SftpConfig}; defaults: port 22, 4 connections, 30 s timeout. */
    public static final class Builder {
        private String host;
        private int port = 22;
        private String user;
        private String path = "";
        private String password;
        private Path privateKey;
        private String privateKeyPassphrase;
        private Path knownHosts;
        private String hostKeyFingerprint;
        private boolean acceptNewHostKeys;
        private int connections = DEFAULT_CONNECTIONS;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder privateKey(Path privateKey) {
            this.privateKey = privateKey;
            return this;
        }

        public Builder privateKeyPassphrase(String passphrase) {
            this.privateKeyPassphrase = passphrase;
            return this;
        }

        public Builder knownHosts(Path knownHosts) {
            this.knownHosts = knownHosts;
            return this;
        }

        public Builder hostKeyFingerprint(String fingerprint) {
            this.hostKeyFingerprint = fingerprint;
            return this;
        }

        public Builder acceptNewHostKeys(boolean accept) {
            this.acceptNewHostKeys = accept;
            return this;
        }

        public Builder connections(int connections) {
            this.connections = connections;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public SftpConfig build() {
            return new SftpConfig(
                    host,
                    port,
                    user,
                    path,
                    password,
                    privateKey,
                    privateKeyPassphrase,
                    knownHosts,
                    hostKeyFingerprint,
                    acceptNewHostKeys,
                    connections,
                    timeout);
        }

        @Override
        public String toString() {
            return "SftpConfig.Builder[host=" + host + "]";
        }
    }
}
