package io.lifeboat.check;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** Writes findings as RFC 4180 CSV with a header row, one finding per line. */
public final class FindingsCsv {
    /** The header, in column order. */
    public static final List<String> COLUMNS = List.of(
            "kind",
            "id",
            "res_model",
            "res_id",
            "res_field",
            "name",
            "store_fname",
            "file_size",
            "create_date",
            "detail");

    private FindingsCsv() {}

    public static void write(Writer out, Iterable<Finding> findings) throws IOException {
        line(out, COLUMNS.toArray());
        for (Finding f : findings) {
            line(
                    out,
                    f.kind().name().toLowerCase(java.util.Locale.ROOT),
                    f.id(),
                    f.resModel(),
                    f.resId(),
                    f.resField(),
                    f.name(),
                    f.storeFname(),
                    f.fileSize(),
                    f.createDate(),
                    f.detail());
        }
        out.flush();
    }

    private static void line(Writer out, Object... values) throws IOException {
        for (int i = 0; i < values.length; i++) {
            if (i > 0) out.write(',');
            out.write(quote(values[i] == null ? "" : values[i].toString()));
        }
        out.write("\r\n");
    }

    /** Quotes a field when it holds a comma, quote, CR or LF, or could be read as a spreadsheet formula. */
    static String quote(String v) {
        boolean formula = !v.isEmpty() && "=+-@".indexOf(v.charAt(0)) >= 0 && !v.matches("-?\\d+");
        if (formula) v = "'" + v;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) return v;
        return '"' + v.replace("\"", "\"\"") + '"';
    }
}
