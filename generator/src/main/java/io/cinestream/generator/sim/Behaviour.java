package io.cinestream.generator.sim;

/**
 * The parameters of simulated user behaviour. Durations are seconds of event time.
 *
 * <p>Defaults ({@link #defaults()}) and what they give over a simulated day:
 *
 * <ul>
 *   <li>{@code firstSignInMeanSeconds = 90}: the first sign_in follows the registration after an
 *       exponential delay with that mean.
 *   <li>{@code sessionMedianSeconds = 360}, {@code sessionSigma = 0.8}: planned session length,
 *       log-normal (mean 8.3 min), the usual shape of web session durations. No page view starts
 *       after it.
 *   <li>{@code thinkMedianSeconds = 40}, {@code thinkSigma = 0.8}, capped at {@code thinkMaxSeconds
 *       = 900}: the time between two actions, log-normal (mean 55 s). With the session length this
 *       gives about 9 actions per session.
 *   <li>{@code gapMedianSeconds = 14400}, {@code gapSigma = 1.0}: time from the end of one session
 *       to the next sign_in, log-normal (median 4 h, mean 6.6 h); {@code returnProbability = 0.7}
 *       that the user comes back at all after a session.
 *   <li>{@code addToCartProbability = 0.2}: after viewing a priced item, the user adds it to the
 *       open cart (creating the cart if none is open); unpriced items are never added.
 *   <li>{@code checkoutAfterAddProbability = 0.15}: right after an add, the user checks out;
 *       otherwise {@code checkoutAtEndProbability = 0.4} when the session ends with an open cart;
 *       else the cart is abandoned and stays open for the next session's adds.
 *   <li>{@code cardShare = 0.7}: payment by Card, else Cash.
 *   <li>{@code ratingProbability = 0.4}: after a checkout the user rates one item of that cart;
 *       stars 1..5 with weights {@link #RATING_WEIGHTS} (skewed to 4 and 5, as shop ratings are).
 *   <li>{@code noSignOutRate = 0.05} ({@code --no-sign-out-rate}): share of sessions that end
 *       without a sign_out (downstream they time out).
 *   <li>{@code orphanSignOutRate = 0.0} ({@code --orphan-sign-out-rate}): share of the gaps between
 *       two sessions (after a session that signed out) in which a deliberate orphan sign_out is
 *       sent halfway, with no session open.
 *   <li>{@code zipfExponent = 1.0}: the catalogue popularity skew, see {@link
 *       io.cinestream.generator.catalog.PopularitySampler}.
 * </ul>
 *
 * @param firstSignInMeanSeconds mean delay from registration to the first sign_in
 * @param sessionMedianSeconds median planned session length
 * @param sessionSigma log-normal sigma of the session length
 * @param thinkMedianSeconds median think time between actions
 * @param thinkSigma log-normal sigma of the think time
 * @param thinkMaxSeconds cap of the think time
 * @param gapMedianSeconds median time between sessions
 * @param gapSigma log-normal sigma of the gap
 * @param returnProbability probability of another session after one ends
 * @param addToCartProbability probability of adding a viewed priced item
 * @param checkoutAfterAddProbability probability of checking out right after an add
 * @param checkoutAtEndProbability probability of checking out an open cart when the session ends
 * @param cardShare share of checkouts paid by Card
 * @param ratingProbability probability of rating an item after a checkout
 * @param noSignOutRate share of sessions without sign_out
 * @param orphanSignOutRate share of between-session gaps with a deliberate orphan sign_out
 * @param zipfExponent catalogue popularity exponent
 */
public record Behaviour(
    double firstSignInMeanSeconds,
    double sessionMedianSeconds,
    double sessionSigma,
    double thinkMedianSeconds,
    double thinkSigma,
    double thinkMaxSeconds,
    double gapMedianSeconds,
    double gapSigma,
    double returnProbability,
    double addToCartProbability,
    double checkoutAfterAddProbability,
    double checkoutAtEndProbability,
    double cardShare,
    double ratingProbability,
    double noSignOutRate,
    double orphanSignOutRate,
    double zipfExponent) {

  /** Weights of 1..5 stars. */
  public static final double[] RATING_WEIGHTS = {0.05, 0.08, 0.17, 0.35, 0.35};

  /**
   * @throws IllegalArgumentException when a probability is outside [0, 1] or a duration is not
   *     positive
   */
  public Behaviour {
    for (double p :
        new double[] {
          returnProbability,
          addToCartProbability,
          checkoutAfterAddProbability,
          checkoutAtEndProbability,
          cardShare,
          ratingProbability,
          noSignOutRate,
          orphanSignOutRate
        }) {
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException("probability outside [0, 1]: " + p);
      }
    }
    for (double d :
        new double[] {
          firstSignInMeanSeconds,
          sessionMedianSeconds,
          thinkMedianSeconds,
          thinkMaxSeconds,
          gapMedianSeconds
        }) {
      if (!(d > 0)) {
        throw new IllegalArgumentException("duration must be positive: " + d);
      }
    }
  }

  /** The documented defaults. */
  public static Behaviour defaults() {
    return new Behaviour(
        90, 360, 0.8, 40, 0.8, 900, 14_400, 1.0, 0.7, 0.2, 0.15, 0.4, 0.7, 0.4, 0.05, 0.0, 1.0);
  }

  /** A copy with another share of sessions without sign_out. */
  public Behaviour withNoSignOutRate(double rate) {
    return new Behaviour(
        firstSignInMeanSeconds,
        sessionMedianSeconds,
        sessionSigma,
        thinkMedianSeconds,
        thinkSigma,
        thinkMaxSeconds,
        gapMedianSeconds,
        gapSigma,
        returnProbability,
        addToCartProbability,
        checkoutAfterAddProbability,
        checkoutAtEndProbability,
        cardShare,
        ratingProbability,
        rate,
        orphanSignOutRate,
        zipfExponent);
  }

  /** A copy with another share of between-session gaps carrying an orphan sign_out. */
  public Behaviour withOrphanSignOutRate(double rate) {
    return new Behaviour(
        firstSignInMeanSeconds,
        sessionMedianSeconds,
        sessionSigma,
        thinkMedianSeconds,
        thinkSigma,
        thinkMaxSeconds,
        gapMedianSeconds,
        gapSigma,
        returnProbability,
        addToCartProbability,
        checkoutAfterAddProbability,
        checkoutAtEndProbability,
        cardShare,
        ratingProbability,
        noSignOutRate,
        rate,
        zipfExponent);
  }
}
