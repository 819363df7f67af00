package io.lifeboat.repair;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lifeboat.check.Finding;
import io.lifeboat.check.FindingsCsv;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the rows whose content no source holds, so the owners of those records can be told: CSV
 * when the file name ends in {@code .csv}, otherwise JSON (an array of objects named after Odoo's
 * columns). The file is replaced atomically.
 */
public final class IrrecoverableExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private IrrecoverableExport() {}

    public static void write(Path file, List<Finding> irrecoverable) throws IOException {
        byte[] bytes;
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            StringWriter w = new StringWriter();
            FindingsCsv.write(w, irrecoverable);
            bytes = w.toString().getBytes(StandardCharsets.UTF_8);
        } else {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Finding f : irrecoverable) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", f.id());
                m.put("res_model", f.resModel());
                m.put("res_id", f.resId());
                m.put("res_field", f.resField());
                m.put("name", f.name());
                m.put("store_fname", f.storeFname());
                m.put("file_size", f.fileSize());
                m.put("create_date", f.createDate());
                rows.add(m);
            }
            bytes = JSON.writeValueAsBytes(rows);
        }
        Repairs.writeAtomically(file, bytes);
    }
}
