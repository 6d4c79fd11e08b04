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

  @Test
  void everyReasonHasTheSameForm() {
    RecordCoordinates where = new RecordCoordinates("sign_in", 1, 9L);
    assertThat(DeadLetterText.error("INVALID_VALUE", where, "user_id 0 outside 1..1000000"))
        .isEqualTo(
            "INVALID_VALUE: topic sign_in partition 1 offset 9: user_id 0 outside 1..1000000");
    WireFormatException bad =
        new WireFormatException(
            WireFormatException.Reason.BAD_MAGIC_BYTE, where, "magic byte 0x01", null);
    assertThat(DeadLetterText.error(bad))
        .isEqualTo("BAD_MAGIC_BYTE: topic sign_in partition 1 offset 9: magic byte 0x01");
    // A NUL in the detail (e.g. a hostile string echoed back) is sanitised too.
    assertThat(DeadLetterText.error("INVALID_VALUE", where, "a\0b"))
        .isEqualTo("INVALID_VALUE: topic sign_in partition 1 offset 9: a\uFFFDb");
  }

  @Test
  void anUnexpectedExceptionStartsWithTheCatchAllReasonNotTheCoordinates() {
    RecordCoordinates where = new RecordCoordinates("sign_in", 1, 9L);
    String error = DeadLetterText.error(where, new IllegalArgumentException("no mapping\0here"));
    assertThat(error)
        .isEqualTo(
            "DECODE_FAILED: topic sign_in partition 1 offset 9:"
                + " java.lang.IllegalArgumentException: no mapping\uFFFDhere");
    assertThat(error.split(":", 2)[0]).isEqualTo(DeadLetterText.DECODE_FAILED);
  }
}
