package io.lifeboat.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class S3ConfigTest {

    @Test
    void parsesAnS3CompatibleLocation() {
        S3Config config = S3Config.parse(
                "s3:https://minio.example.com:9000/backups/odoo/prod",
                Map.of("s3.access-key", "AK", "s3.secret-key", "s3cr3t-value", "s3.part-size", "8M"));

        assertThat(config.endpoint()).isEqualTo(URI.create("https://minio.example.com:9000"));
        assertThat(config.bucket()).isEqualTo("backups");
        assertThat(config.prefix()).isEqualTo("odoo/prod");
        assertThat(config.pathStyle()).isTrue();
        assertThat(config.checksumsWhenRequired()).isTrue();
        assertThat(config.accessKey()).isEqualTo("AK");
        assertThat(config.partSize()).isEqualTo(8L << 20);
        assertThat(config.toString()).doesNotContain("s3cr3t-value");
    }

    @Test
    void parsesAnAwsLocation() {
        S3Config config = S3Config.parse("s3:my-bucket", Map.of("s3.region", "eu-west-3"));

        assertThat(config.endpoint()).isNull();
        assertThat(config.bucket()).isEqualTo("my-bucket");
        assertThat(config.prefix()).isEmpty();
        assertThat(config.region()).isEqualTo("eu-west-3");
        assertThat(config.pathStyle()).isFalse();
        assertThat(config.checksumsWhenRequired()).isFalse();
        assertThat(config.accessKey()).isNull();
        try (S3Backend backend = new S3Backend(config)) {
            assertThat(backend.location()).isEqualTo("s3:my-bucket");
        }
    }

    @Test
    void rejectsBadLocationsAndOptionsWithoutShowingSecrets() {
        assertThatThrownBy(() -> S3Config.parse("s3:", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no bucket");
        assertThatThrownBy(() -> S3Config.parse("s3:https://AKIA:hunter22secret@host/b", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("hunter22secret");
        assertThatThrownBy(() -> S3Config.parse("s3:b", Map.of("s3.regoin", "x")))
                .hasMessage("unknown s3 option: s3.regoin");
        assertThatThrownBy(() -> S3Config.parse("s3:b", Map.of("s3.access-key", "only")))
                .hasMessageContaining("together");
        assertThatThrownBy(() -> S3Config.parse("s3:b", Map.of("s3.part-size", "1M")))
                .hasMessageContaining("part size");
        assertThatThrownBy(() -> S3Config.parse("s3:b/../x", Map.of())).hasMessageContaining("invalid s3 prefix");
    }

    @Test
    void sizesAcceptUnits() {
        assertThat(S3Config.parseSize("x", "123")).isEqualTo(123);
        assertThat(S3Config.parseSize("x", "16M")).isEqualTo(16L << 20);
        assertThat(S3Config.parseSize("x", "16MiB")).isEqualTo(16L << 20);
        assertThat(S3Config.parseSize("x", "2g")).isEqualTo(2L << 30);
        assertThatThrownBy(() -> S3Config.parseSize("x", "lots")).hasMessageContaining("invalid size for x");
    }
}
