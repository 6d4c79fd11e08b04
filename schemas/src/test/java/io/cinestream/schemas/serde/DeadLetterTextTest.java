package io.cinestream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLetterTextTest {

  @Test
  void aUtf8KeyIsKeptAsText() {
    assertThat(DeadLetterText.key("user-7 ünï".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("user-7 ünï");
    assertThat(DeadLetterText.key(null)).isNull();
  }

  @Test
  void aKeyWithANulByteIsStoredAsBase64() {
    // "7\0x": 0x37 0x00 0x78 -> base64 "NwB4"
    assertThat(DeadLetterText.key(new byte[] {0x37, 0x00, 0x78})).isEqualTo("base64:NwB4");
  }

  @Test
  void aKeyThatIsNotUtf8IsStoredAsBase64() {
    // 0xEA alone (cp1252 'ê') is not valid UTF-8 -> base64 "6g=="
    assertThat(DeadLetterText.key(new byte[] {(byte) 0xEA})).isEqualTo("base64:6g==");
  }

  @Test
  void anErrorLosesItsNulCharactersAndIsCapped() {
    assertThat(DeadLetterText.error("bad\0value")).isEqualTo("bad\uFFFDvalue");
    String cut = DeadLetterText.error("x".repeat(10_000));
    assertThat(cut).hasSize(DeadLetterText.MAX_ERROR_CHARS).endsWith("x [cut]");
  }
}
