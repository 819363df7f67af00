package io.lifeboat.config;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A password, passphrase or credential named by reference: an environment variable or a file. Its
 * {@link #toString()} is the reference, never the value.
 */
public record Secret(Source source, String ref) {

    /** Where the value lives. */
    public enum Source {
        ENV,
        FILE
    }

    public Secret {
        if (source == null || ref == null || ref.isEmpty())
            throw new IllegalArgumentException("empty secret reference");
    }

    /** Whether the value can be had: the variable is set (non-empty) or the file is readable. */
    public boolean available(Map<String, String> env) {
        return switch (source) {
            case ENV -> env.get(ref) != null && !env.get(ref).isEmpty();
            case FILE -> Files.isRegularFile(Path.of(ref)) && Files.isReadable(Path.of(ref));
        };
    }

    /**
     * The value: the variable's, or the file's content with one trailing newline removed.
     *
     * @throws LifeboatException {@code BAD_INPUT} when it cannot be had
     */
    public String resolve(Map<String, String> env) {
        switch (source) {
            case ENV -> {
                String v = env.get(ref);
                if (v == null || v.isEmpty()) {
                    throw new LifeboatException(Kind.BAD_INPUT, "secret " + this + " is not set");
                }
                return v;
            }
            case FILE -> {
                try {
                    String v = Files.readString(Path.of(ref), StandardCharsets.UTF_8);
                    if (v.endsWith("\r\n")) return v.substring(0, v.length() - 2);
                    if (v.endsWith("\n")) return v.substring(0, v.length() - 1);
                    return v;
                } catch (IOException e) {
                    throw new LifeboatException(Kind.BAD_INPUT, "cannot read secret " + this + ": " + e, null, e);
                }
            }
        }
        throw new AssertionError(source);
    }

    /** {@code env:NAME} or {@code file:PATH}. */
    @Override
    public String toString() {
        return (source == Source.ENV ? "env:" : "file:") + ref;
    }
}
