package io.cinestream.generator.sim;

import io.cinestream.events.PaymentMethod;
import io.cinestream.generator.catalog.CatalogueItem;
import io.cinestream.generator.event.AddedToCartEvent;
import io.cinestream.generator.event.CheckoutEvent;
import io.cinestream.generator.event.ItemRatingEvent;
import io.cinestream.generator.event.ItemViewEvent;
import io.cinestream.generator.event.RegistrationEvent;
import io.cinestream.generator.event.SignInEvent;
import io.cinestream.generator.event.SignOutEvent;
import io.cinestream.generator.event.SimEvent;
import io.cinestream.generator.model.Cart;
import io.cinestream.generator.model.Session;
import io.cinestream.generator.model.User;
import io.cinestream.generator.model.UserState;
import java.util.List;

/**
 * The state machine of one user: register, then sessions of sign_in, item views, adds to cart,
 * checkout or abandonment, ratings, sign_out; gaps between sessions.
 *
 * <p>Each {@link #step} performs the action scheduled for now, returns at most one event and
 * schedules the next action. All randomness comes from the simulation's streams, consumed in the
 * global order of actions, which is what makes a run reproducible.
 */
final class UserAgent {

  /** The next action of the agent. */
  enum Action {
    REGISTER,
    SIGN_IN,
    VIEW,
    ADD,
    CHECKOUT,
    RATE,
    END_SESSION,
    ORPHAN_SIGN_OUT
  }

  private static final double[] RATING_CUMULATIVE =
      Distributions.cumulative(Behaviour.RATING_WEIGHTS);

  final User user;
  // The user's id, copied: most steps need only the id, and reading it here spares a cache miss on
  // the User object (a run's users are far more than the CPU caches hold).
  private final int userId;
  final int index;
  Action next = Action.REGISTER;
  long nextAt;
  private Session session;
  private Cart cart;
  private CatalogueItem lastViewed;
  private List<String> lastPurchase;
  private long pendingSignInAt;

  UserAgent(User user, int index, long registrationAt) {
    this.user = user;
    this.userId = user.id();
    this.index = index;
    this.nextAt = registrationAt;
  }

  /**
   * Performs the scheduled action.
   *
   * <p>The clock is asked for the event time only by an action that emits, so real-time pacing
   * counts events, not silent steps.
   *
   * @param scheduled the scheduled time of the action, UTC ms (drives the next schedule)
   * @param sim the simulation (streams, catalogue, behaviour, stats, clock)
   * @return the event of the action, or null for an action without one (a session ending without
   *     sign_out)
   * @throws InterruptedException when the real-time clock is interrupted while pacing
   */
  SimEvent step(long scheduled, Simulation sim) throws InterruptedException {
    Behaviour b = sim.behaviour;
    var r = sim.streams.behaviour;
    switch (next) {
      case REGISTER -> {
        user.moveTo(UserState.OFFLINE);
        sim.stats.registrations++;
        // At least 1 s, as every step of a user: a user's events never share a millisecond.
        schedule(
            Action.SIGN_IN,
            scheduled
                + Math.max(
                    1000, seconds(Distributions.exponential(r, b.firstSignInMeanSeconds()))));
        return new RegistrationEvent(
            sim.streams.nextUuid(),
            sim.stamp(scheduled),
            userId,
            user.age(),
            user.maskedEmail(),
            user.language());
      }
      case SIGN_IN -> {
        long length =
            seconds(Distributions.logNormal(r, b.sessionMedianSeconds(), b.sessionSigma()));
        session = new Session(scheduled, scheduled + length, r.nextDouble() >= b.noSignOutRate());
        user.moveTo(UserState.IN_SESSION);
        sim.stats.sessions++;
        schedule(Action.VIEW, scheduled + think(sim));
        return new SignInEvent(sim.streams.nextUuid(), sim.stamp(scheduled), userId);
      }
      case VIEW -> {
        session.countAction();
        lastViewed = sim.popularity.next(r);
        if (lastViewed.isPriced() && r.nextDouble() < b.addToCartProbability()) {
          schedule(Action.ADD, scheduled + think(sim));
        } else {
          continueBrowsing(scheduled, sim);
        }
        return new ItemViewEvent(
            sim.streams.nextUuid(), sim.stamp(scheduled), userId, lastViewed.itemId());
      }
      case ADD -> {
        session.countAction();
        if (cart == null) {
          cart = new Cart(sim.streams.nextUuid());
        }
        cart.add(lastViewed.itemId());
        SimEvent e =
            new AddedToCartEvent(
                sim.streams.nextUuid(),
                sim.stamp(scheduled),
                userId,
                lastViewed.itemId(),
                cart.id());
        if (r.nextDouble() < b.checkoutAfterAddProbability()) {
          schedule(Action.CHECKOUT, scheduled + think(sim));
        } else {
          continueBrowsing(scheduled, sim);
        }
        return e;
      }
      case CHECKOUT -> {
        session.countAction();
        PaymentMethod pay =
            r.nextDouble() < b.cardShare() ? PaymentMethod.Card : PaymentMethod.Cash;
        SimEvent e =
            new CheckoutEvent(sim.streams.nextUuid(), sim.stamp(scheduled), userId, cart.id(), pay);
        lastPurchase = cart.checkOut();
        cart = null;
        sim.stats.checkouts++;
        if (r.nextDouble() < b.ratingProbability()) {
          schedule(Action.RATE, scheduled + think(sim));
        } else {
          continueBrowsing(scheduled, sim);
        }
        return e;
      }
      case RATE -> {
        session.countAction();
        String item = lastPurchase.get(r.nextInt(lastPurchase.size()));
        int stars = 1 + Distributions.pick(r, RATING_CUMULATIVE);
        sim.stats.ratings++;
        continueBrowsing(scheduled, sim);
        return new ItemRatingEvent(
            sim.streams.nextUuid(), sim.stamp(scheduled), userId, item, stars);
      }
      case END_SESSION -> {
        if (cart != null && !session.endDecided()) {
          session.decideEnd();
          if (r.nextDouble() < b.checkoutAtEndProbability()) {
            // Check out now; the CHECKOUT step comes back here, with the decision taken.
            next = Action.CHECKOUT;
            return step(scheduled, sim);
          }
        }
        if (cart != null) {
          sim.stats.abandonedCartSessions++;
        }
        boolean signsOut = session.signsOut();
        if (!signsOut) {
          sim.stats.sessionsWithoutSignOut++;
        }
        session = null;
        user.moveTo(UserState.OFFLINE);
        planNextSession(scheduled, signsOut, sim);
        return signsOut
            ? new SignOutEvent(sim.streams.nextUuid(), sim.stamp(scheduled), userId)
            : null;
      }
      case ORPHAN_SIGN_OUT -> {
        sim.stats.orphanSignOuts++;
        schedule(Action.SIGN_IN, pendingSignInAt);
        return new SignOutEvent(sim.streams.nextUuid(), sim.stamp(scheduled), userId);
      }
      default -> throw new IllegalStateException("unknown action " + next);
    }
  }

  private void continueBrowsing(long now, Simulation sim) {
    long at = now + think(sim);
    schedule(at < session.plannedEndMs() ? Action.VIEW : Action.END_SESSION, at);
  }

  private void planNextSession(long now, boolean signedOut, Simulation sim) {
    Behaviour b = sim.behaviour;
    var r = sim.streams.behaviour;
    if (r.nextDouble() >= b.returnProbability()) {
      retire();
      return;
    }
    long gap =
        Math.max(1000, seconds(Distributions.logNormal(r, b.gapMedianSeconds(), b.gapSigma())));
    // An orphan only after a session that signed out: after one that did not, downstream would
    // read the sign_out as closing that still-open session, not as an orphan.
    if (signedOut && r.nextDouble() < b.orphanSignOutRate()) {
      pendingSignInAt = now + gap;
      schedule(Action.ORPHAN_SIGN_OUT, now + gap / 2);
    } else {
      schedule(Action.SIGN_IN, now + gap);
    }
  }

  private long think(Simulation sim) {
    Behaviour b = sim.behaviour;
    double s =
        Distributions.logNormal(sim.streams.behaviour, b.thinkMedianSeconds(), b.thinkSigma());
    // At least 1 s: two actions of one user never share a millisecond, so per-user order is total.
    return Math.max(1000, seconds(Math.min(s, b.thinkMaxSeconds())));
  }

  private static long seconds(double s) {
    return Math.round(s * 1000.0);
  }

  private void schedule(Action action, long at) {
    next = action;
    nextAt = at;
  }

  /** No further actions: the user churned. */
  void retire() {
    next = null;
    user.moveTo(UserState.GONE);
  }
}
