package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class RedactionTest {

    @Test
    void passwordsInUrlsAreMasked() {
        assertThat(Redaction.redact("cannot reach sftp://backup:hunter2@host:22/srv"))
                .isEqualTo("cannot reach sftp://backup:***@host:22/srv");
        assertThat(Redaction.redact("s3:https://AKIAXX:abc%2Fdef@minio:9000/bucket"))
                .isEqualTo("s3:https://AKIAXX:***@minio:9000/bucket");
        assertThat(Redaction.redact("sftp://backup@host/srv")).isEqualTo("sftp://backup@host/srv");
    }

    @Test
    void secretPairsAreMasked() {
        assertThat(Redaction.redact("password=abc123 user=x")).isEqualTo("password=*** user=x");
        assertThat(Redaction.redact("{\"secretKey\": \"wJalrXUtnFEMI\"}")).isEqualTo("{\"secretKey\": \"***\"}");
        assertThat(Redaction.redact("aws_secret_access_key = wJalrXUtnFEMI")).isEqualTo("aws_secret_access_key = ***");
        assertThat(Redaction.redact("https://b.s3/x?X-Amz-Signature=abcdef&X-Amz-Credential=AK%2F2024&a=1"))
                .isEqualTo("https://b.s3/x?X-Amz-Signature=***&X-Amz-Credential=***&a=1");
        assertThat(Redaction.redact("Unable to load credentials from any provider"))
                .isEqualTo("Unable to load credentials from any provider");
    }

    @Test
    void registeredSecretsAreMaskedAnywhere() {
        Redaction.addSecret("Zq8-registered-secret");
        Redaction.addSecret("ab");

        assertThat(Redaction.redact("server said: bad key Zq8-registered-secret!"))
                .isEqualTo("server said: bad key ***!");
        assertThat(Redaction.redact("a tab")).isEqualTo("a tab");
        assertThat(Redaction.redact(null)).isNull();
    }
}
