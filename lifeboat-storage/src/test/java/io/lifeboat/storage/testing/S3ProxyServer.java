package io.lifeboat.storage.testing;

import io.lifeboat.storage.s3.S3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;

/**
 * An S3-compatible server (S3Proxy, in-process) on a random loopback port, storing objects as files
 * under a temporary directory ({@code baseDir/<bucket>/<key>}), with AWS v4 signature checks.
 * One bucket exists from the start.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "lifeboat-test-access";
    public static final String SECRET_KEY = "lifeboat-test-secret-9f2c41";
    public static final String REGION = "us-east-1";

    private final Path baseDir;
    private final String bucket;
    private final BlobStore store;
    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(Path baseDir, String bucket) throws Exception {
        this.baseDir = baseDir;
        this.bucket = bucket;
        Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        properties.setProperty("jclouds.identity", ACCESS_KEY);
        properties.setProperty("jclouds.credential", SECRET_KEY);
        this.store = BlobStores.create("filesystem", properties);
        store.createContainer(bucket);
        this.proxy = S3Proxy.builder()
                .blobStore(store)
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .build();
        proxy.start();
        if (!"STARTED".equals(proxy.getState())) {
            throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
        }
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts a server with bucket {@code lifeboat-test} in a new temporary directory. */
    public static S3ProxyServer start() throws Exception {
        return start(Files.createTempDirectory("lifeboat-s3proxy-"), "lifeboat-test");
    }

    /** Starts a server storing under {@code baseDir}, with {@code bucket} created. */
    public static S3ProxyServer start(Path baseDir, String bucket) throws Exception {
        return new S3ProxyServer(baseDir, bucket);
    }

    public URI endpoint() {
        return endpoint;
    }

    public String bucket() {
        return bucket;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    public Path baseDir() {
        return baseDir;
    }

    /** Creates another bucket. */
    public void createBucket(String name) {
        store.createContainer(name);
    }

    /** The file holding an object's bytes: flip a byte there to simulate bit rot. */
    public Path objectPath(String bucket, String key) {
        return baseDir.resolve(bucket).resolve(key);
    }

    /** A configuration for this server: path-style, static credentials, checksums when required. */
    public S3Config.Builder config(String prefix) {
        return S3Config.builder()
                .endpoint(endpoint)
                .region(REGION)
                .bucket(bucket)
                .prefix(prefix)
                .pathStyle(true)
                .credentials(ACCESS_KEY, SECRET_KEY)
                .checksumsWhenRequired(true);
    }

    @Override
    public void close() throws Exception {
        try {
            proxy.stop();
        } finally {
            store.close();
            deleteRecursively(baseDir);
        }
    }

    @Override
    public String toString() {
        return "S3ProxyServer[" + endpoint + "]";
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
