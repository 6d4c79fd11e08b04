package io.cinestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TickSignatureTest {

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
          .getBytes(StandardCharsets.US_ASCII);

  @Test
  void signsTheTopicPartitionAndTimeWithHmacSha256() {
    // Independent value: printf 'cinestream-tick-v1\nsign_in\n0\n1704110400000' |
    //   openssl dgst -sha256 -hmac 0123...cdef (the key above)
    String expected = "a9d4304d631be89a902abc43ef4cdeb6bb464bc32d5c2d140aa7e16560d2f919";
    byte[] sig = TickSignature.sign(KEY, "sign_in", 0, 1_704_110_400_000L);

    assertThat(new String(sig, StandardCharsets.UTF_8)).hasSize(64).isEqualTo(expected);
    assertThat(TickSignature.verify(KEY, "sign_in", 0, 1_704_110_400_000L, sig)).isTrue();
  }

  @Test
  void refusesAMissingSignatureAnotherKeyAnotherPartitionTimeOrTopicAndNoKey() {
    byte[] sig = TickSignature.sign(KEY, "sign_in", 0, 1000L);
    byte[] otherKey = "x".repeat(32).getBytes(StandardCharsets.US_ASCII);

    assertThat(TickSignature.verify(KEY, "sign_in", 0, 1000L, null)).isFalse();
    assertThat(TickSignature.verify(otherKey, "sign_in", 0, 1000L, sig)).isFalse();
    assertThat(TickSignature.verify(KEY, "sign_in", 1, 1000L, sig)).isFalse();
    assertThat(TickSignature.verify(KEY, "sign_in", 0, 1001L, sig)).isFalse();
    assertThat(TickSignature.verify(KEY, "sign_out", 0, 1000L, sig)).isFalse();
    assertThat(TickSignature.verify(null, "sign_in", 0, 1000L, sig)).isFalse();
  }

  @Test
  void createsTheKeyOwnerOnlyOnceAndReadsItBack(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("data/tick.key");

    byte[] key = TickSignature.readOrCreateKey(file);

    assertThat(key).hasSize(64);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(TickSignature.readOrCreateKey(file)).isEqualTo(key);
    assertThat(
            TickSignature.keyFromEnvironment(Map.of(TickSignature.KEY_FILE_ENV, file.toString())))
        .isEqualTo(key);
    assertThat(TickSignature.keyFromEnvironment(Map.of())).isNull();
    Files.writeString(file, "short\n");
    assertThatThrownBy(() -> TickSignature.readKey(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 32");
  }
}
