package io.lifeboat.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The catalog keeps times as epoch milliseconds; the API shows them as ISO-8601 UTC strings. */
final class EpochIso extends StdSerializer<Long> {
    private static final long serialVersionUID = 1L;

    EpochIso() {
        super(Long.class);
    }

    @Override
    public void serialize(Long value, JsonGenerator gen, SerializerProvider provider) throws IOException {
        gen.writeString(Instant.ofEpochMilli(value).toString());
    }

    /** A catalog row for the API: every {@code *_at} column as an ISO string. */
    static Map<String, Object> row(Map<String, Object> row) {
        Map<String, Object> m = new LinkedHashMap<>(row);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if ((e.getKey().endsWith("_at") || e.getKey().equals("at")) && e.getValue() instanceof Number n) {
                e.setValue(Instant.ofEpochMilli(n.longValue()).toString());
            }
        }
        return m;
    }
}
