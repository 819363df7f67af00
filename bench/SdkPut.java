import io.lifeboat.storage.ContentSource;
import io.lifeboat.storage.s3.S3Backend;
import io.lifeboat.storage.s3.S3Config;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Uploads files with Lifeboat's own S3 driver and nothing else (no SHA-1 check, no database, no journal):
 * the PUT throughput the migration's driver can reach, for the object storage benchmark.
 *
 * <p>{@code java -cp lifeboat.jar bench/SdkPut.java ENDPOINT BUCKET PREFIX ACCESS_KEY SECRET_KEY JOBS LIST};
 * LIST holds one file path per line; each file goes to {@code PREFIX/<file name>}. Prints {@code seconds=…}.
 */
public final class SdkPut {
    private SdkPut() {}

    public static void main(String[] args) throws Exception {
        S3Config config = S3Config.builder()
                .endpoint(URI.create(args[0]))
                .region("us-east-1")
                .bucket(args[1])
                .prefix(args[2])
                .pathStyle(true)
                .credentials(args[3], args[4])
                .checksumsWhenRequired(true)
                .build();
        int jobs = Integer.parseInt(args[5]);
        List<Path> files = Files.readAllLines(Path.of(args[6])).stream().map(Path::of).toList();
        long t0 = System.nanoTime();
        try (S3Backend backend = new S3Backend(config)) {
            ExecutorService pool = Executors.newFixedThreadPool(jobs);
            List<Future<?>> done = new ArrayList<>();
            for (Path f : files) {
                done.add(pool.submit(() -> {
                    backend.save(f.getFileName().toString(), ContentSource.ofFile(f));
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
            pool.shutdown();
        }
        System.out.printf("seconds=%.3f%n", (System.nanoTime() - t0) / 1e9);
    }
}
