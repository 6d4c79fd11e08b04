package io.cinestream.spark.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The COPY text-format pieces of {@link PostgresWarehouseWriter}. */
class CopyTextTest {

  private static String timestamp(long epochMs) {
    StringBuilder b = new StringBuilder();
    PostgresWarehouseWriter.appendTimestamp(b, epochMs);
    return b.toString();
  }

  private static final DateTimeFormatter PG_UTC =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSX");

  @Test
  void formatsTimestampsAsUtcLiteralsWithMilliseconds() {
    assertThat(timestamp(0)).isEqualTo("1970-01-01 00:00:00.000+00");
    assertThat(timestamp(1_772_323_200_050L)).isEqualTo("2026-03-01 00:00:00.050+00");
    // 2024-02-29T23:59:59.999Z: a leap day, every field at its maximum.
    assertThat(timestamp(1_709_251_199_999L)).isEqualTo("2024-02-29 23:59:59.999+00");
    // Before the epoch: 1969-12-31T23:59:59.999Z.
    assertThat(timestamp(-1)).isEqualTo("1969-12-31 23:59:59.999+00");
    assertThat(timestamp(Instant.parse("0001-01-01T00:00:00Z").toEpochMilli()))
        .isEqualTo("0001-01-01 00:00:00.000+00");
  }

  @Test
  void everyFormattedTimestampParsesBackToTheSameInstant() {
    SplittableRandom r = new SplittableRandom(11);
    long min = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
    long max = Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();
    for (int i = 0; i < 100_000; i++) {
      long ms = min + r.nextLong(max - min + 1);
      String text = timestamp(ms);
      // "+00" is an offset the JDK parser reads with pattern X.
      assertThat(OffsetDateTime.parse(text, PG_UTC).toInstant().toEpochMilli())
          .as(text)
          .isEqualTo(ms);
    }
  }

  @Test
  void yearsPostgresCannotReadInThisFormFallBackToIsoText() {
    long year10000 = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
    assertThat(timestamp(year10000)).isEqualTo("+10000-01-01T00:00:00Z");
  }

  @Test
  void escapesBackslashTabNewlineAndCarriageReturnOnly() {
    StringBuilder b = new StringBuilder("x");
    PostgresWarehouseWriter.appendEscaped(b, "plain text, ünïcode");
    PostgresWarehouseWriter.appendEscaped(b, "a\\b\tc\nd\re");

    assertThat(b.toString()).isEqualTo("xplain text, ünïcodea\\\\b\\tc\\nd\\re");
  }
}
