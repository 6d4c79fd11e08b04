package io.cinestream.generator.catalog;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws catalogue items with a Zipf popularity skew: the item of popularity rank {@code r} (1 =
 * most popular) is drawn with probability {@code r^-s / H(n, s)}, where {@code H(n, s) = sum over
 * k=1..n of k^-s}. With the default {@code s = 1.0} and the ~7,000 products of Movies.txt, the top
 * 1 % of items get about half of the views (H(70,1)/H(7000,1) = 4.83/9.43), the long-tail shape
 * reported for web and video catalogues (Breslau et al., "Web Caching and Zipf-like Distributions",
 * INFOCOM 1999).
 *
 * <p>Ranks are a seeded shuffle of the catalogue, so the bestsellers are not simply the first item
 * ids. Sampling inverts the cumulative distribution: the drawn rank is the first one whose
 * cumulative probability exceeds a uniform {@code u}. A guide table (Chen and Asau, "On generating
 * random variates from an empirical distribution", AIIE Transactions 6(2), 1974) of one entry per
 * item tells where to start looking for that rank, so a draw costs O(1) steps on average instead of
 * a binary search's O(log n); the rank found is the same.
 */
public final class PopularitySampler {

  /** The default Zipf exponent {@code s}. */
  public static final double DEFAULT_EXPONENT = 1.0;

  private final CatalogueItem[] byRank;
  private final double[] cumulative;
  // guide[j] = the first rank index whose cumulative probability exceeds j / guide.length.
  private final int[] guide;

  /**
   * @param catalogue the products
   * @param exponent Zipf exponent {@code s}, at least 0 (0 = uniform)
   * @param rankShuffle the random stream that assigns popularity ranks
   * @throws IllegalArgumentException when the exponent is negative
   */
  public PopularitySampler(Catalogue catalogue, double exponent, SplittableRandom rankShuffle) {
    if (exponent < 0) {
      throw new IllegalArgumentException("Zipf exponent must be >= 0, got " + exponent);
    }
    List<CatalogueItem> items = catalogue.items();
    byRank = items.toArray(new CatalogueItem[0]);
    for (int i = byRank.length - 1; i > 0; i--) {
      int j = rankShuffle.nextInt(i + 1);
      CatalogueItem t = byRank[i];
      byRank[i] = byRank[j];
      byRank[j] = t;
    }
    cumulative = new double[byRank.length];
    double sum = 0;
    for (int r = 0; r < byRank.length; r++) {
      sum += Math.pow(r + 1, -exponent);
      cumulative[r] = sum;
    }
    for (int r = 0; r < cumulative.length; r++) {
      cumulative[r] /= sum;
    }
    // Rounding must not leave a gap above the last bucket.
    cumulative[cumulative.length - 1] = 1.0;
    guide = new int[cumulative.length];
    int i = 0;
    for (int j = 0; j < guide.length; j++) {
      double lower = (double) j / guide.length;
      while (cumulative[i] <= lower) {
        i++;
      }
      guide[j] = i;
    }
  }

  /** The item of popularity rank {@code rank}, 1-based. */
  public CatalogueItem itemOfRank(int rank) {
    return byRank[rank - 1];
  }

  /** Probability of drawing the item of popularity rank {@code rank}, 1-based. */
  public double probabilityOfRank(int rank) {
    return rank == 1 ? cumulative[0] : cumulative[rank - 1] - cumulative[rank - 2];
  }

  /**
   * Draws one item.
   *
   * @param random the simulation's stream (one double consumed)
   */
  public CatalogueItem next(SplittableRandom random) {
    double u = random.nextDouble();
    int i = guide[Math.min((int) (u * guide.length), guide.length - 1)];
    // The guide entry is exact up to the rounding of u * length: step back, then forward, to the
    // first index whose cumulative probability exceeds u (cumulative[last] = 1 > u ends the scan).
    while (i > 0 && cumulative[i - 1] > u) {
      i--;
    }
    while (cumulative[i] <= u) {
      i++;
    }
    return byRank[i];
  }
}
