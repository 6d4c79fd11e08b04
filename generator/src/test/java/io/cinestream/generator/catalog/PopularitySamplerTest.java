package io.cinestream.generator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PopularitySamplerTest {

  private static final Catalogue THREE =
      Catalogue.of(
          List.of(
              new CatalogueItem("a", 100L, "A"),
              new CatalogueItem("b", 200L, "B"),
              new CatalogueItem("c", null, "C")),
          "test");

  @Test
  void zipfWithExponentOneGivesRankProbabilitiesSixThreeAndTwoElevenths() {
    PopularitySampler s = new PopularitySampler(THREE, 1.0, new SplittableRandom(1));

    // 1 : 1/2 : 1/3 normalised by H(3,1) = 11/6.
    assertThat(s.probabilityOfRank(1)).isCloseTo(6.0 / 11, within(1e-12));
    assertThat(s.probabilityOfRank(2)).isCloseTo(3.0 / 11, within(1e-12));
    assertThat(s.probabilityOfRank(3)).isCloseTo(2.0 / 11, within(1e-12));
  }

  @Test
  void exponentZeroIsUniform() {
    PopularitySampler s = new PopularitySampler(THREE, 0.0, new SplittableRandom(1));

    assertThat(s.probabilityOfRank(2)).isCloseTo(1.0 / 3, within(1e-12));
  }

  @Test
  void drawsFollowTheRankProbabilities() {
    PopularitySampler s = new PopularitySampler(THREE, 1.0, new SplittableRandom(1));
    SplittableRandom r = new SplittableRandom(2);
    Map<String, Integer> counts = new HashMap<>();
    int n = 110_000;
    for (int i = 0; i < n; i++) {
      counts.merge(s.next(r).itemId(), 1, Integer::sum);
    }

    // Expected 60,000 / 30,000 / 20,000; the binomial sd is ~165, so 1,000 is > 6 sd.
    assertThat(counts.get(s.itemOfRank(1).itemId())).isBetween(59_000, 61_000);
    assertThat(counts.get(s.itemOfRank(2).itemId())).isBetween(29_000, 31_000);
    assertThat(counts.get(s.itemOfRank(3).itemId())).isBetween(19_000, 21_000);
  }

  @Test
  void drawsTheSameItemsAsABinarySearchOfTheCumulativeDistribution() {
    List<CatalogueItem> items = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      items.add(new CatalogueItem("i" + i, 100L, "T" + i));
    }
    Catalogue catalogue = Catalogue.of(items, "test");
    for (double exponent : new double[] {0.0, 1.0, 1.7}) {
      PopularitySampler s = new PopularitySampler(catalogue, exponent, new SplittableRandom(5));
      // The textbook inversion, computed here independently: binary search of the running sums.
      double[] cumulative = new double[items.size()];
      double sum = 0;
      for (int r = 0; r < cumulative.length; r++) {
        sum += Math.pow(r + 1, -exponent);
        cumulative[r] = sum;
      }
      for (int r = 0; r < cumulative.length; r++) {
        cumulative[r] /= sum;
      }
      cumulative[cumulative.length - 1] = 1.0;
      SplittableRandom draws = new SplittableRandom(9);
      SplittableRandom same = new SplittableRandom(9);
      for (int k = 0; k < 200_000; k++) {
        double u = same.nextDouble();
        int found = Arrays.binarySearch(cumulative, u);
        int rank = 1 + (found >= 0 ? found + 1 : -found - 1);
        assertThat(s.next(draws).itemId())
            .as("draw %d, exponent %s, u = %s", k, exponent, u)
            .isEqualTo(s.itemOfRank(rank).itemId());
      }
    }
  }
}
