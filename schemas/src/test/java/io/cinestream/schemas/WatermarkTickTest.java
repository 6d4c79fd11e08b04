package io.cinestream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class WatermarkTickTest {

  private static RecordHeaders headers(String key, String value) {
    RecordHeaders h = new RecordHeaders();
    h.add("trace", "x".getBytes(StandardCharsets.UTF_8));
    h.add(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    return h;
  }

  @Test
  void aTickIsANullValueWithTheTickHeaderAmongOthers() {
    assertThat(WatermarkTick.isTick(null, headers("cinestream.tick", "1"))).isTrue();
  }

  @Test
  void aNullValueWithoutTheHeaderIsNotATick() {
    assertThat(WatermarkTick.isTick(null, new RecordHeaders())).isFalse();
    assertThat(WatermarkTick.isTick(null, null)).isFalse();
    assertThat(WatermarkTick.isTick(null, headers("cinestream.tick", "0"))).isFalse();
    assertThat(WatermarkTick.isTick(null, headers("cinestream.tick", null))).isFalse();
    assertThat(WatermarkTick.isTick(null, headers("cinestream.tock", "1"))).isFalse();
  }

  @Test
  void theHeaderOnARecordWithAValueDoesNotMakeItATick() {
    assertThat(WatermarkTick.isTick(new byte[] {0, 0, 0, 0, 1}, headers("cinestream.tick", "1")))
        .isFalse();
  }

  @Test
  void theHeaderValueIsTheUtf8TextOne() {
    assertThat(WatermarkTick.headerValue()).containsExactly('1');
    assertThat(WatermarkTick.isTickHeader("cinestream.tick", new byte[] {'1'})).isTrue();
  }
}
