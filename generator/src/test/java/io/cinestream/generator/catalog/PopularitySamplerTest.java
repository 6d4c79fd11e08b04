package io.cinestream.generator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
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
  void theAliasTableGivesEveryRankItsZipfProbability() {
    List<CatalogueItem> items = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      items.add(new CatalogueItem("i" + i, 100L, "T" + i));
    }
    Catalogue catalogue = Catalogue.of(items, "test");
    for (double exponent : new double[] {0.0, 1.0, 1.7}) {
      PopularitySampler s = new PopularitySampler(catalogue, exponent, new SplittableRandom(5));
      // Zipf computed here independently: r^-s / H(n, s).
      double h = 0;
      for (int r = 1; r <= items.size(); r++) {
        h += Math.pow(r, -exponent);
      }
      double[] drawn = s.drawProbabilities();
      for (int r = 1; r <= items.size(); r++) {
        assertThat(drawn[r - 1])
            .as("rank %d, exponent %s", r, exponent)
            .isCloseTo(Math.pow(r, -exponent) / h, within(1e-12));
      }
    }
  }

  @Test
  void aOneItemCatalogueAlwaysDrawsThatItem() {
    PopularitySampler s =
        new PopularitySampler(
            Catalogue.of(List.of(new CatalogueItem("only", 100L, "O")), "test"),
            1.0,
            new SplittableRandom(1));
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 1_000; i++) {
      assertThat(s.next(r).itemId()).isEqualTo("only");
    }
  }
}
