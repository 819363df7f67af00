import io.lifeboat.demo.SyntheticInstance;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;

/**
 * Changes a fraction of the benchmark's synthetic instance the way Odoo use does (new attachment
 * contents, updated rows), for the repository benchmark's second snapshot.
 *
 * <p>{@code java -cp CP bench/RepoMutate.java JDBC_URL USER FILESTORE_DIR FRACTION SEED}; prints
 * {@code key=value} lines.
 */
public final class RepoMutate {

    private RepoMutate() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: RepoMutate JDBC_URL USER FILESTORE_DIR FRACTION SEED");
            System.exit(2);
        }
        Properties props = new Properties();
        props.setProperty("user", args[1]);
        SyntheticInstance.Mutation m;
        try (Connection c = DriverManager.getConnection(args[0], props)) {
            m = SyntheticInstance.mutate(c, Path.of(args[2]), Double.parseDouble(args[3]), Long.parseLong(args[4]));
        }
        System.out.println("mutated_attachments=" + m.attachmentIds().size());
        System.out.println("mutated_file_bytes=" + m.newFileBytes());
        System.out.println("mutated_rows=" + m.rowsUpdated());
    }
}
