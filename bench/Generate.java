import io.lifeboat.demo.SyntheticInstance;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * Creates the benchmark's synthetic Odoo instance in an existing, empty database.
 *
 * <p>Run with the source launcher and lifeboat.jar on the class path: {@code java -cp CP
 * bench/Generate.java JDBC_URL USER FILESTORE_DIR ATTACHMENTS FILESTORE_BYTES BULK_ROWS}. Prints
 * {@code key=value} lines (shell-readable) describing what was generated.
 */
public final class Generate {

    private Generate() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: Generate JDBC_URL USER FILESTORE_DIR ATTACHMENTS FILESTORE_BYTES BULK_ROWS");
            System.exit(2);
        }
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        SyntheticInstance.Spec spec = SyntheticInstance.Spec.small()
                .withAttachments(Integer.parseInt(args[3]))
                .withFilestoreBytes(Long.parseLong(args[4]))
                .withBulkRows(Long.parseLong(args[5]));
        long t0 = System.nanoTime();
        SyntheticInstance.Result r;
        try (Connection c = DriverManager.getConnection(args[0], props)) {
            r = SyntheticInstance.create(c, Path.of(args[2]), spec);
        }
        System.out.printf("gen_seconds=%.1f%n", (System.nanoTime() - t0) / 1e9);
        System.out.println("gen_attachments=" + r.attachments());
        System.out.println("gen_stored_rows=" + r.storedRows());
        System.out.println("gen_distinct_files=" + r.distinctFiles());
        System.out.println("gen_filestore_bytes=" + r.filestoreBytes());
        System.out.println("gen_bulk_rows=" + r.bulkRows());
    }
}
