package io.lifeboat.odoo;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A validated {@code ir_attachment.store_fname}: {@code xx/<40 hex>} where {@code xx} is the first two
 * characters of the SHA-1, as Odoo's {@code _get_path} writes it. Any other value is unsafe to
 * follow (it could name a path outside the filestore) and is never used to build a path.
 *
 * @param relative the validated relative path, lowercase, e.g. {@code ab/ab12…}
 * @param sha1 the 40-character lowercase hex SHA-1 the name promises
 */
public record StoreFname(String relative, String sha1) {

    private static final Pattern VALID = Pattern.compile("([0-9a-f]{2})/([0-9a-f]{40})");

    /** Parses a store_fname; empty when it is not of the canonical, safe form. */
    public static Optional<StoreFname> parse(String storeFname) {
        if (storeFname == null) return Optional.empty();
        var m = VALID.matcher(storeFname.toLowerCase(Locale.ROOT));
        if (!m.matches() || !storeFname.equals(storeFname.toLowerCase(Locale.ROOT))) return Optional.empty();
        if (!m.group(2).startsWith(m.group(1))) return Optional.empty();
        return Optional.of(new StoreFname(storeFname, m.group(2)));
    }

    /** The canonical store_fname for content with this SHA-1. */
    public static StoreFname ofSha1(String sha1) {
        String s = sha1.toLowerCase(Locale.ROOT);
        return parse(s.substring(0, 2) + "/" + s)
                .orElseThrow(() -> new IllegalArgumentException("not a sha1: " + sha1));
    }
}
