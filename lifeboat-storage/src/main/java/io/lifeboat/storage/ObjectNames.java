package io.lifeboat.storage;

/**
 * Checks object names and list prefixes against the rules in {@link Backend}.
 *
 * <p>A valid name is relative, at most {@value #MAX_LENGTH} characters, made of {@code
 * [A-Za-z0-9._-]} segments separated by single {@code /}; no segment is empty or starts with
 * {@code .} (which also excludes {@code .} and {@code ..}, and leaves names starting with {@code .}
 * to drivers for their temporary files). Such a name cannot escape the backend's root on any driver.
 */
public final class ObjectNames {
    /** Longest accepted name, below S3's 1024-byte key limit so a prefix still fits. */
    public static final int MAX_LENGTH = 768;

    private static final int MAX_SEGMENT = 200;

    private ObjectNames() {}

    /** Returns {@code name} unchanged when valid, else throws {@link IllegalArgumentException}. */
    public static String check(String name) {
        String problem = problem(name, false);
        if (problem != null) {
            throw new IllegalArgumentException("invalid object name '" + printable(name) + "': " + problem);
        }
        return name;
    }

    /**
     * Returns {@code prefix} unchanged when it is empty or a valid name, possibly cut anywhere (so
     * {@code "data/"} and {@code "data/ab"} are valid), else throws {@link IllegalArgumentException}.
     */
    public static String checkPrefix(String prefix) {
        String problem = problem(prefix, true);
        if (problem != null) {
            throw new IllegalArgumentException("invalid object prefix '" + printable(prefix) + "': " + problem);
        }
        return prefix;
    }

    /** Whether {@code name} is a valid object name. */
    public static boolean isValid(String name) {
        return problem(name, false) == null;
    }

    private static String problem(String value, boolean prefix) {
        if (value == null) {
            return "it is null";
        }
        if (value.isEmpty()) {
            return prefix ? null : "it is empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "it is longer than " + MAX_LENGTH + " characters";
        }
        int segmentStart = 0;
        for (int i = 0; i <= value.length(); i++) {
            boolean end = i == value.length();
            char c = end ? '/' : value.charAt(i);
            if (c == '/') {
                int segmentLength = i - segmentStart;
                if (segmentLength == 0 && !(end && prefix)) {
                    return segmentStart == 0 ? "it starts with '/'" : "it has an empty segment";
                }
                if (segmentLength > MAX_SEGMENT) {
                    return "a segment is longer than " + MAX_SEGMENT + " characters";
                }
                segmentStart = i + 1;
            } else if (c == '.' && i == segmentStart) {
                return "a segment starts with '.'";
            } else if (!isAllowed(c)) {
                return "it contains a character other than letters, digits, '.', '_', '-' and '/'";
            }
        }
        return null;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '.'
                || c == '_'
                || c == '-';
    }

    private static String printable(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        StringBuilder sb = new StringBuilder(cut.length());
        cut.codePoints().forEach(cp -> sb.append(cp < 0x20 || cp == 0x7f ? '?' : (char) cp));
        return sb.toString();
    }
}
