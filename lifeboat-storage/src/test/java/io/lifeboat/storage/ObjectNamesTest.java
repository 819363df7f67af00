package io.lifeboat.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ObjectNamesTest {

    @Test
    void acceptsOrdinaryNames() {
        assertThat(ObjectNames.isValid("config")).isTrue();
        assertThat(ObjectNames.isValid("data/ab/ab12cd_34-ef.pack")).isTrue();
        assertThat(ObjectNames.isValid("a..b")).isTrue();
        assertThat(ObjectNames.check("snapshots/2024-01-01T00-00-00Z")).isEqualTo("snapshots/2024-01-01T00-00-00Z");
    }

    @Test
    void prefixesMayEndWithASlashOrBeEmpty() {
        assertThat(ObjectNames.checkPrefix("")).isEmpty();
        assertThat(ObjectNames.checkPrefix("data/")).isEqualTo("data/");
        assertThat(ObjectNames.checkPrefix("data/ab")).isEqualTo("data/ab");
        assertThatThrownBy(() -> ObjectNames.checkPrefix("data//")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void messagesSayWhatIsWrong() {
        assertThatThrownBy(() -> ObjectNames.check("a/../b"))
                .hasMessage("invalid object name 'a/../b': a segment starts with '.'");
        assertThatThrownBy(() -> ObjectNames.check("/x")).hasMessage("invalid object name '/x': it starts with '/'");
        assertThatThrownBy(() -> ObjectNames.check("a\u0000b")).hasMessageContaining("'a?b'");
    }
}
