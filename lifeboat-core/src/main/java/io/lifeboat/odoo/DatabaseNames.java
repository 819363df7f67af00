package io.lifeboat.odoo;

import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import io.lifeboat.Printable;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Odoo's rule for database names ({@link #PATTERN}, at most 63 bytes), applied to names
 * given on the command line and to names read back from files Lifeboat wrote (rollback records,
 * quarantine manifests), which are untrusted too.
 */
public final class DatabaseNames {
    /** Database names Odoo accepts (odoo.service.db DBNAME_PATTERN). */
    public static final Pattern PATTERN = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    /** The rule, as a hint sentence. */
    public static final String RULE =
            "A database name has letters, digits, '_', '.' and '-', starts with a letter or digit, and has 2 to 63"
                    + " characters.";

    private DatabaseNames() {}

    /** Whether {@code name} follows the rule. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches() && name.getBytes(StandardCharsets.UTF_8).length <= 63;
    }

    /** {@code name} quoted and escaped for a message: {@code "-x"}. */
    public static String quoted(String name) {
        return name == null ? "null" : "\"" + Printable.of(name) + "\"";
    }

    /**
     * Throws {@code kind} unless {@code name} follows the rule; {@code where} says where the name was
     * found ("" for the command line), e.g. {@code " in rollback record /x.json"}.
     */
    public static void check(String name, Kind kind, String where, String hint) {
        if (!isValid(name)) {
            throw new LifeboatException(
                    kind, "invalid database name" + where + ": " + quoted(name), hint == null ? RULE : hint);
        }
    }
}
