package io.cinestream.generator.sim;

import io.cinestream.events.PreferredLanguage;
import io.cinestream.generator.model.User;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the users of a run: ids, ages, e-mail domains and languages.
 *
 * <ul>
 *   <li>user_id: distinct values of 1..1,000,000 without repeats (a partial Fisher-Yates shuffle of
 *       the whole range, so any count up to 1,000,000 works).
 *   <li>age: normal with mean {@value #AGE_MEAN} and sd {@value #AGE_SD} years, redrawn until it
 *       falls in 18..95 (online shoppers skew to their thirties; the truncation lifts the mean to
 *       38.0).
 *   <li>e-mail: {@code ****@<domain>} with the domain weights of {@link #DOMAINS} (large webmail
 *       providers first, plus the Russian and Georgian ones a Georgian-language shop sees).
 *   <li>language: eng 0.70, geo 0.22, ll 0.08.
 * </ul>
 */
public final class Population {

  /** Mean age, years. */
  public static final double AGE_MEAN = 36.0;

  /** Standard deviation of the age, years. */
  public static final double AGE_SD = 13.0;

  /** E-mail domains and their weights (they sum to 1). */
  public static final List<DomainWeight> DOMAINS =
      List.of(
          new DomainWeight("gmail.com", 0.38),
          new DomainWeight("yahoo.com", 0.10),
          new DomainWeight("outlook.com", 0.09),
          new DomainWeight("hotmail.com", 0.08),
          new DomainWeight("icloud.com", 0.07),
          new DomainWeight("mail.ru", 0.05),
          new DomainWeight("posta.ge", 0.04),
          new DomainWeight("yandex.ru", 0.04),
          new DomainWeight("live.com", 0.04),
          new DomainWeight("proton.me", 0.03),
          new DomainWeight("gmx.de", 0.03),
          new DomainWeight("web.de", 0.03),
          new DomainWeight("aol.com", 0.02));

  /** Weights of eng, geo, ll, in {@link PreferredLanguage} order. */
  public static final double[] LANGUAGE_WEIGHTS = {0.70, 0.22, 0.08};

  /**
   * An e-mail domain and its share of users.
   *
   * @param domain e.g. {@code gmail.com}
   * @param weight share, 0..1
   */
  public record DomainWeight(String domain, double weight) {}

  private static final double[] DOMAIN_CUMULATIVE =
      Distributions.cumulative(DOMAINS.stream().mapToDouble(DomainWeight::weight).toArray());
  private static final double[] LANGUAGE_CUMULATIVE = Distributions.cumulative(LANGUAGE_WEIGHTS);
  private static final String[] MASKED =
      DOMAINS.stream().map(d -> "****@" + d.domain()).toArray(String[]::new);

  private Population() {}

  /**
   * Draws {@code count} users.
   *
   * @param count 0..1,000,000
   * @param random the population stream
   * @return users with distinct ids, all {@link io.cinestream.generator.model.UserState
   *     #UNREGISTERED}
   * @throws IllegalArgumentException when count is outside 0..1,000,000
   */
  public static User[] draw(int count, SplittableRandom random) {
    int range = User.MAX_ID - User.MIN_ID + 1;
    if (count < 0 || count > range) {
      throw new IllegalArgumentException("users must be in 0..1,000,000, got " + count);
    }
    int[] ids = new int[range];
    for (int i = 0; i < range; i++) {
      ids[i] = User.MIN_ID + i;
    }
    User[] users = new User[count];
    PreferredLanguage[] languages = PreferredLanguage.values();
    for (int i = 0; i < count; i++) {
      int j = i + random.nextInt(range - i);
      int id = ids[j];
      ids[j] = ids[i];
      ids[i] = id;
      users[i] =
          new User(
              id,
              age(random),
              MASKED[Distributions.pick(random, DOMAIN_CUMULATIVE)],
              languages[Distributions.pick(random, LANGUAGE_CUMULATIVE)]);
    }
    return users;
  }

  private static int age(SplittableRandom random) {
    while (true) {
      long a = Math.round(AGE_MEAN + AGE_SD * Distributions.standardNormal(random));
      if (a >= User.MIN_AGE && a <= User.MAX_AGE) {
        return (int) a;
      }
    }
  }
}
