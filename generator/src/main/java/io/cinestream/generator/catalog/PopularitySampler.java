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
 * ids. Sampling uses the alias method (A. J. Walker, "An efficient method for generating discrete
 * random variables with general distributions", ACM TOMS 3(3), 1977), with the table built by M. D.
 * Vose's linear-time algorithm ("A linear algorithm for generating random numbers with a given
 * distribution", IEEE TSE 17(9), 1991): each of the {@code n} columns holds one rank with
 * probability {@code keep[c]} and an alias rank with the rest, so a draw is one uniform {@code u},
 * column {@code floor(u * n)}, and one compare of the fraction of {@code u * n} with {@code keep}:
 * O(1) with no search and no data-dependent loop.
 */
public final class PopularitySampler {

  /** The default Zipf exponent {@code s}. */
  public static final double DEFAULT_EXPONENT = 1.0;

  private final CatalogueItem[] byRank;
  private final double[] probability;
  // Column c: its own item byRank[c] with probability keep[c], else alias[c].
  private final double[] keep;
  private final CatalogueItem[] alias;
  private final int[] aliasRank;

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
    int n = byRank.length;
    probability = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      probability[r] = Math.pow(r + 1, -exponent);
      sum += probability[r];
    }
    for (int r = 0; r < n; r++) {
      probability[r] /= sum;
    }
    keep = new double[n];
    aliasRank = new int[n];
    buildAliasTable(probability, keep, aliasRank);
    alias = new CatalogueItem[n];
    for (int c = 0; c < n; c++) {
      alias[c] = byRank[aliasRank[c]];
    }
  }

  /**
   * Vose's construction: scaled probabilities {@code n * p} below 1 ("small") are topped up from
   * one above 1 ("large"), which becomes their alias and gives away what it topped up. Columns left
   * at the end hold exactly 1 up to rounding and keep their own rank.
   */
  private static void buildAliasTable(double[] p, double[] keep, int[] alias) {
    int n = p.length;
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smalls = 0;
    int larges = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = p[i] * n;
      if (scaled[i] < 1.0) {
        small[smalls++] = i;
      } else {
        large[larges++] = i;
      }
    }
    while (smalls > 0 && larges > 0) {
      int s = small[--smalls];
      int l = large[--larges];
      keep[s] = scaled[s];
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[smalls++] = l;
      } else {
        large[larges++] = l;
      }
    }
    while (larges > 0) {
      int l = large[--larges];
      keep[l] = 1.0;
      alias[l] = l;
    }
    while (smalls > 0) {
      int s = small[--smalls];
      keep[s] = 1.0;
      alias[s] = s;
    }
  }

  /** The item of popularity rank {@code rank}, 1-based. */
  public CatalogueItem itemOfRank(int rank) {
    return byRank[rank - 1];
  }

  /** Probability of drawing the item of popularity rank {@code rank}, 1-based. */
  public double probabilityOfRank(int rank) {
    return probability[rank - 1];
  }

  /**
   * The alias table as the probability of each rank that a draw returns: column {@code c}
   * contributes {@code keep[c] / n} to its own rank and {@code (1 - keep[c]) / n} to its alias. For
   * tests: it must equal {@link #probabilityOfRank} up to rounding.
   *
   * @return one probability per rank, index 0 = rank 1
   */
  double[] drawProbabilities() {
    int n = keep.length;
    double[] out = new double[n];
    for (int c = 0; c < n; c++) {
      out[c] += keep[c] / n;
      out[aliasRank[c]] += (1.0 - keep[c]) / n;
    }
    return out;
  }

  /**
   * Draws one item.
   *
   * @param random the simulation's stream (one double consumed)
   */
  public CatalogueItem next(SplittableRandom random) {
    double x = random.nextDouble() * keep.length;
    int c = (int) x;
    // x < n always (nextDouble() < 1 and n < 2^53), so c is a column.
    return x - c < keep[c] ? byRank[c] : alias[c];
  }
}
