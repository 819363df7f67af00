package io.lifeboat.postgres;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session settings a plain dump has made so far ({@code SET ...;}, {@code set_config(...)}), the
 * latest of each, in order; every connection applies them before it runs what follows them. The
 * client encoding is not a setting to apply: anything but UTF-8 is refused.
 */
final class SessionSettings {
    private static final Pattern SET_LINE = Pattern.compile("^SET ([A-Za-z_][A-Za-z0-9_.]*) (?:=|TO) (.*);$");
    private static final Pattern SET_CONFIG =
            Pattern.compile("^SELECT pg_catalog\\.set_config\\('([A-Za-z_][A-Za-z0-9_.]*)', .*\\);$");

    private final LinkedHashMap<String, String> settings = new LinkedHashMap<>();
    private List<String> snapshot = List.of();

    /** The settings so far, as the lines to run; a new list after each change, the same one otherwise. */
    List<String> snapshot() {
        return snapshot;
    }

    /** Whether {@code line} is a {@code SET} line. */
    static boolean isSetLine(String line) {
        return SET_LINE.matcher(line).matches();
    }

    /** Whether {@code line} is a session setting ({@code SET} or {@code set_config}). */
    static boolean isSetting(String line) {
        return SET_LINE.matcher(line).matches() || SET_CONFIG.matcher(line).matches();
    }

    /** Records a session setting line; false if the line is not one. */
    boolean take(String line) {
        Matcher m = SET_LINE.matcher(line);
        String name;
        if (m.matches()) {
            name = m.group(1).toLowerCase(Locale.ROOT);
            if (name.equals("client_encoding")) {
                String value = m.group(2).replace("'", "").replace("-", "").toUpperCase(Locale.ROOT);
                if (!value.equals("UTF8")) {
                    throw DumpGuard.refuse(
                            "the dump's client encoding " + DumpGuard.abbreviate(m.group(2)) + " is not supported");
                }
                return true;
            }
        } else {
            Matcher c = SET_CONFIG.matcher(line);
            if (!c.matches()) return false;
            name = c.group(1).toLowerCase(Locale.ROOT);
        }
        settings.remove(name);
        settings.put(name, line);
        snapshot = List.copyOf(settings.values());
        return true;
    }
}
