package dev.rollback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LedgerTextTest {

    @Test
    void escapesControlCharactersVisiblySoAReasonStaysOneLine() {
        assertThat(LedgerText.escape("a\u0000b\nERROR forged\r\tc\u007f\u2028\\"))
                .isEqualTo("a\\u0000b\\nERROR forged\\r\\tc\\u007f\\u2028\\\\")
                .doesNotContain("\n");
    }

    @Test
    void leavesPrintableTextAsItIs() {
        String text = "p99 latency 412 ms > 250 ms — checkout ✓";
        assertThat(LedgerText.escape(text)).isSameAs(text);
    }

    @Test
    void cutsALongReasonSayingHowLongItWas() {
        String reason = LedgerText.reason("x".repeat(100 * 1024));

        assertThat(reason).hasSize(LedgerText.MAX_REASON_LENGTH).endsWith("...[cut from 102400 characters]");
    }

    @Test
    void refusesANameWithAControlCharacterOrTooLongNamingIt() {
        assertThatThrownBy(() -> LedgerText.requireName("actor", "alice\nERROR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("The actor 'alice\\nERROR' holds a control character; use printable characters only");
        assertThatThrownBy(() -> LedgerText.requireName("version", "v".repeat(300)))
                .hasMessageContaining("is 300 characters long; the rollback ledger keeps at most 255");
        assertThat(LedgerText.requireName("actor", "manual:alice")).isEqualTo("manual:alice");
    }
}
