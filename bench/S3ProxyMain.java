import io.lifeboat.storage.testing.S3ProxyServer;
import java.nio.file.Path;

/**
 * Runs S3Proxy (filesystem store) for the repository benchmark until its standard input closes.
 *
 * <p>{@code java -cp CP bench/S3ProxyMain.java BASE_DIR}; prints {@code endpoint=…}, {@code
 * bucket=…}, {@code access_key=…} and {@code secret_key=…} (test credentials of a local server).
 */
public final class S3ProxyMain {

    private S3ProxyMain() {}

    public static void main(String[] args) throws Exception {
        try (S3ProxyServer s3 = S3ProxyServer.start(Path.of(args[0]), "lifeboat-bench")) {
            System.out.println("endpoint=" + s3.endpoint());
            System.out.println("bucket=" + s3.bucket());
            System.out.println("access_key=" + s3.accessKey());
            System.out.println("secret_key=" + s3.secretKey());
            System.out.flush();
            while (System.in.read() >= 0) {
                // serve until the benchmark closes our standard input
            }
        }
    }
}
