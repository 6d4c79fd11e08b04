package io.cinestream.generator.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegistrationCurveTest {

  private static final long MONDAY = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;

  @Test
  void rateIsOnePointSixAtTwentyHundredAndZeroPointFourAtEightHundredUtc() {
    assertThat(RegistrationCurve.rate(MONDAY + 20 * HOUR)).isCloseTo(1.6, within(1e-12));
    assertThat(RegistrationCurve.rate(MONDAY + 8 * HOUR)).isCloseTo(0.4, within(1e-12));
    assertThat(RegistrationCurve.rate(MONDAY + 14 * HOUR)).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void registrationsPerHourFollowTheIntegralOfTheCurve() {
    int n = 240_000;
    long[] t = RegistrationCurve.draw(n, MONDAY, 24 * HOUR, new SplittableRandom(3));
    int[] perHour = new int[24];
    for (long x : t) {
      perHour[(int) ((x - MONDAY) / HOUR)]++;
    }
    for (int h : new int[] {8, 14, 20}) {
      // Expected share of hour h: (1/24) * (1 + A * 24/(2 pi) * (sin(w(h+1-20)) - sin(w(h-20)))).
      double w = 2 * Math.PI / 24;
      double share = (1 + 0.6 / w * (Math.sin(w * (h + 1 - 20)) - Math.sin(w * (h - 20)))) / 24;
      assertThat((double) perHour[h]).isCloseTo(n * share, within(n * share * 0.04));
    }
    for (int i = 1; i < t.length; i++) {
      assertThat(t[i]).isGreaterThanOrEqualTo(t[i - 1]);
    }
  }
}
