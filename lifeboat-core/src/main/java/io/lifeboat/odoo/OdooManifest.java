package io.lifeboat.odoo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lifeboat.LifeboatException;
import io.lifeboat.LifeboatException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code manifest.json} of an Odoo backup zip, as {@code odoo.service.db.dump_db_manifest}
 * writes it. Odoo's restore never reads it; Lifeboat writes it for compatibility and reads it for
 * information.
 *
 * <p>{@link #toJson()} produces exactly what Python's {@code json.dump(manifest, fh, indent=4)}
 * produces for the same values: keys in Odoo's order, four-space indentation, items ending in a
 * bare comma, {@code ": "} after keys, every character outside printable ASCII escaped
 * ({@code ensure_ascii}), no trailing newline. {@link #read(InputStream)} accepts any JSON object: unknown keys are ignored and
 * missing ones are null.
 *
 * @param odooDump always {@code "1"} when written by Odoo
 * @param dbName name of the dumped database
 * @param version Odoo's {@code release.version}, e.g. {@code "17.0"} (nightly builds write e.g.
 *     {@code "17.0-20240709"})
 * @param versionInfo Odoo's {@code release.version_info}, e.g. {@code [17, 0, 0, "final", 0, ""]}
 * @param majorVersion Odoo's {@code release.major_version}, e.g. {@code "17.0"}
 * @param pgVersion the server's version as Odoo formats it, e.g. {@code "15.0"}
 * @param modules installed modules: name to {@code latest_version} (null when unknown), in
 *     the order Odoo listed them
 */
@JsonPropertyOrder({"odoo_dump", "db_name", "version", "version_info", "major_version", "pg_version", "modules"})
@JsonIgnoreProperties(ignoreUnknown = true)
public record OdooManifest(
        @JsonProperty("odoo_dump") String odooDump,
        @JsonProperty("db_name") String dbName,
        @JsonProperty("version") String version,
        @JsonProperty("version_info") List<Object> versionInfo,
        @JsonProperty("major_version") String majorVersion,
        @JsonProperty("pg_version") String pgVersion,
        @JsonProperty("modules") Map<String, String> modules) {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public OdooManifest {
        versionInfo = versionInfo == null ? null : Collections.unmodifiableList(new ArrayList<>(versionInfo));
        modules = modules == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(modules));
    }

    /**
     * Reads a manifest leniently.
     *
     * @throws LifeboatException {@code BAD_INPUT} if it is not a JSON object
     */
    public static OdooManifest read(InputStream in) {
        try {
            OdooManifest m = MAPPER.readValue(in, OdooManifest.class);
            if (m == null) {
                throw new LifeboatException(Kind.BAD_INPUT, "manifest.json is empty", null);
            }
            return m;
        } catch (JacksonException e) {
            throw new LifeboatException(
                    Kind.BAD_INPUT,
                    "manifest.json is not a valid manifest: " + e.getOriginalMessage(),
                    "The archive may be damaged; its dump.sql and filestore can still be restored.",
                    e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifest.json", e);
        }
    }

    /** The manifest as Odoo's {@code json.dump(..., indent=4)} writes it. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "odoo_dump", odooDump, false);
        field(sb, "db_name", dbName, false);
        field(sb, "version", version, false);
        field(sb, "version_info", versionInfo, false);
        field(sb, "major_version", majorVersion, false);
        field(sb, "pg_version", pgVersion, false);
        field(sb, "modules", modules, true);
        return sb.append('}').toString();
    }

    /** Writes {@link #toJson()} (ASCII, hence also UTF-8) to {@code out}, which stays open. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(toJson().getBytes(StandardCharsets.US_ASCII));
    }

    private static void field(StringBuilder sb, String key, Object value, boolean last) {
        sb.append("    ");
        string(sb, key);
        sb.append(": ");
        value(sb, value, 1);
        sb.append(last ? "\n" : ",\n");
    }

    private static void value(StringBuilder sb, Object v, int level) {
        String indent = "    ".repeat(level + 1);
        String closeIndent = "    ".repeat(level);
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                sb.append(indent);
                value(sb, list.get(i), level + 1);
                sb.append(i < list.size() - 1 ? ",\n" : "\n");
            }
            sb.append(closeIndent).append(']');
        } else if (v instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sb.append(indent);
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                value(sb, e.getValue(), level + 1);
                sb.append(++i < map.size() ? ",\n" : "\n");
            }
            sb.append(closeIndent).append('}');
        } else {
            string(sb, v.toString());
        }
    }

    /** Python's {@code json} string encoding with {@code ensure_ascii=True}. */
    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < ' ' || c > '~') {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
