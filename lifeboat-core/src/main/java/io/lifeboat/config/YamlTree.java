package io.lifeboat.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML document as a tree whose every node knows its line, so that each refusal can name it. All
 * scalars are kept as text: the schema, not YAML's implicit typing, decides what a value means.
 */
final class YamlTree {
    private YamlTree() {}

    sealed interface Node permits Scalar, MapNode, ListNode {
        int line();
    }

    /** A scalar; {@code text} null for an empty value or {@code ~}. */
    record Scalar(String text, int line) implements Node {}

    record Entry(String key, int line, Node value) {}

    record MapNode(Map<String, Entry> entries, int line) implements Node {}

    record ListNode(List<Node> items, int line) implements Node {}

    /** A syntax error or duplicate key, with its line. */
    static final class SyntaxError extends Exception {
        private static final long serialVersionUID = 1L;
        final int line;

        SyntaxError(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    /** The document's root, or null for an empty document. */
    static Node parse(Reader in) throws IOException, SyntaxError {
        try (JsonParser p = new YAMLFactory().createParser(in)) {
            JsonToken t = p.nextToken();
            if (t == null) return null;
            Node root = value(p);
            if (p.nextToken() != null) {
                throw new SyntaxError(line(p.currentTokenLocation()), "only one YAML document is allowed");
            }
            return root;
        } catch (JsonProcessingException e) {
            if (e.getCause() instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                throw new SyntaxError(m.getProblemMark().getLine() + 1, m.getProblem() + context);
            }
            throw new SyntaxError(line(e.getLocation()), e.getOriginalMessage());
        }
    }

    private static Node value(JsonParser p) throws IOException, SyntaxError {
        int line = line(p.currentTokenLocation());
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Entry> entries = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                int keyLine = line(p.currentTokenLocation());
                if (entries.containsKey(key)) {
                    throw new SyntaxError(
                            keyLine,
                            "duplicate key \"" + key + "\" (first on line "
                                    + entries.get(key).line() + ")");
                }
                p.nextToken();
                entries.put(key, new Entry(key, keyLine, value(p)));
            }
            return new MapNode(entries, line);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (p.nextToken() != JsonToken.END_ARRAY) items.add(value(p));
            return new ListNode(items, line);
        }
        return new Scalar(t == JsonToken.VALUE_NULL ? null : p.getText(), line);
    }

    private static int line(JsonLocation l) {
        return l == null ? 0 : l.getLineNr();
    }
}
