package io.cinestream.generator.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.PreferredLanguage;
import io.cinestream.generator.model.User;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PopulationTest {

  @Test
  void aMillionUsersTakeEveryIdFromOneToAMillionExactlyOnce() {
    User[] users = Population.draw(1_000_000, new SplittableRandom(5));

    BitSet ids = new BitSet();
    for (User u : users) {
      assertThat(ids.get(u.id())).as("id %d twice", u.id()).isFalse();
      ids.set(u.id());
    }
    assertThat(ids.cardinality()).isEqualTo(1_000_000);
    assertThat(ids.nextSetBit(0)).isEqualTo(1);
    assertThat(ids.length() - 1).isEqualTo(1_000_000);
  }

  @Test
  void attributesStayInRangeAndFollowTheDocumentedMix() {
    User[] users = Population.draw(100_000, new SplittableRandom(6));
    Map<PreferredLanguage, Integer> languages = new EnumMap<>(PreferredLanguage.class);
    long gmail = 0;
    double ageSum = 0;
    for (User u : users) {
      assertThat(u.age()).isBetween(18, 95);
      assertThat(u.maskedEmail()).startsWith("****@");
      languages.merge(u.language(), 1, Integer::sum);
      gmail += u.maskedEmail().equals("****@gmail.com") ? 1 : 0;
      ageSum += u.age();
    }
    // Binomial sds at n = 100,000 are below 160; bounds are >= 6 sd wide.
    assertThat(languages.get(PreferredLanguage.eng)).isBetween(69_000, 71_000);
    assertThat(languages.get(PreferredLanguage.geo)).isBetween(21_000, 23_000);
    assertThat(gmail).isBetween(37_000L, 39_000L);
    // Rounding, then keeping >= 18 truncates N(36, 13) at 17.5: mean = 36 + 13 * phi(a) / (1 -
    // Phi(a)) with a = -1.423, i.e. 36 + 13 * 0.1449 / 0.9226 = 38.04; the sd of the mean is 0.04.
    assertThat(ageSum / users.length).isBetween(37.8, 38.3);
  }

  @Test
  void moreThanAMillionUsersIsRefused() {
    assertThatThrownBy(() -> Population.draw(1_000_001, new SplittableRandom(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
