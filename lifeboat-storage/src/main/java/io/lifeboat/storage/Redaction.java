package io.lifeboat.storage;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is shown: passwords in URLs, {@code key=value} pairs whose key
 * names a secret (password, secret key, token, signature), and every value registered with {@link
 * #addSecret}. Drivers pass their messages through {@link #redact} and register the secrets they
 * were configured with, so a secret echoed back by a server or a library is masked too.
 *
 * <p>Thread-safe.
 */
public final class Redaction {
    /** What replaces a secret. */
    public static final String MASK = "***";

    private static final int MIN_SECRET_LENGTH = 4;

    // scheme://user:password@host  ->  scheme://user:***@host
    private static final Pattern URL_PASSWORD =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://[^\\s/:@?#]*):[^\\s/@?#]*@");

    // password=..., "secretKey": "...", X-Amz-Signature=..., aws_secret_access_key = ...
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)((?:[a-z0-9_.-]*(?:password|passwd|passphrase|secret|token|signature|credential)(?:[-_]?(?:access[-_]?)?key)?)"
                    + "[\"']?\\s*[=:]\\s*[\"']?)([^\\s&\"',;}]+)");

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redaction() {}

    /**
     * Registers a secret value (a password, a secret key) to be masked wherever it appears. Values
     * shorter than four characters are ignored, as masking them would mangle ordinary text.
     */
    public static void addSecret(String secret) {
        if (secret != null && secret.length() >= MIN_SECRET_LENGTH) {
            SECRETS.add(secret);
        }
    }

    /** {@code text} with secrets replaced by {@value #MASK}; {@code null} stays {@code null}. */
    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : SECRETS) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        result = URL_PASSWORD.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + ":" + MASK + "@"));
        result = SECRET_PAIR.matcher(result).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + MASK));
        return result;
    }
}
