package io.cinestream.generator.sim;

import io.cinestream.generator.catalog.Catalogue;
import io.cinestream.generator.catalog.PopularitySampler;
import io.cinestream.generator.clock.Clock;
import io.cinestream.generator.event.SimEvent;
import io.cinestream.generator.model.User;
import io.cinestream.generator.model.UserState;

/**
 * The simulated shop: {@code users} users register over a window of event time following {@link
 * RegistrationCurve}, then each lives the {@link UserAgent} state machine with the parameters of
 * {@link Behaviour}, until it churns or the window ends (nothing is emitted at or after the end).
 *
 * <p>{@link #next()} returns the events in nondecreasing scheduled time; ties are broken by the
 * users' registration order, so the sequence is a pure function of the seed and the arguments. Not
 * thread-safe.
 */
public final class Simulation {

  final Behaviour behaviour;
  final RandomStreams streams;
  final PopularitySampler popularity;
  final SimulationStats stats = new SimulationStats();
  private final Clock clock;
  private final long startMs;
  private final long endMs;
  private final User[] users;
  private final Agenda agenda;
  private long scheduledNow;

  /**
   * @param catalogue the products users view and buy; needs at least one item
   * @param users how many users register, 0..1,000,000
   * @param windowMs length of the simulated window, ms, positive
   * @param clock where the window starts and how events are stamped
   * @param behaviour behaviour parameters
   * @param streams the run's random streams
   * @throws IllegalArgumentException when users or the window are out of range
   */
  public Simulation(
      Catalogue catalogue,
      int users,
      long windowMs,
      Clock clock,
      Behaviour behaviour,
      RandomStreams streams) {
    this.behaviour = behaviour;
    this.streams = streams;
    this.clock = clock;
    this.startMs = clock.startMillis();
    this.endMs = Math.addExact(startMs, windowMs);
    this.popularity = new PopularitySampler(catalogue, behaviour.zipfExponent(), streams.ranks);
    this.users = Population.draw(users, streams.population);
    long[] registrations = RegistrationCurve.draw(users, startMs, windowMs, streams.population);
    this.agenda = new Agenda(users, startMs);
    for (int i = 0; i < users; i++) {
      agenda.add(new UserAgent(this.users[i], i, registrations[i]));
    }
    this.scheduledNow = startMs;
  }

  /**
   * The next event in scheduled-time order, stamped by the clock.
   *
   * @return the event, or null when every user is done or the window has ended
   * @throws InterruptedException when the clock is interrupted while pacing
   */
  public SimEvent next() throws InterruptedException {
    while (true) {
      UserAgent agent = agenda.first();
      if (agent == null) {
        return null;
      }
      long at = agent.nextAt;
      if (at >= endMs) {
        // The agenda is ordered: every other action is at or after the end as well.
        agenda.forEach(this::retire);
        agenda.clear();
        scheduledNow = endMs;
        return null;
      }
      scheduledNow = at;
      SimEvent e = agent.step(at, this);
      if (agent.next != null && agent.nextAt < endMs) {
        agenda.requeueFirst();
      } else {
        agenda.removeFirst();
        if (agent.next != null) {
          retire(agent);
        }
      }
      if (e != null) {
        return e;
      }
    }
  }

  private void retire(UserAgent agent) {
    if (agent.user.state() == UserState.IN_SESSION) {
      stats.sessionsCutByWindowEnd++;
    }
    agent.retire();
  }

  /** The event time of an event scheduled at {@code scheduled}, from the clock. */
  long stamp(long scheduled) throws InterruptedException {
    return clock.eventTime(scheduled);
  }

  /** The scheduled time of the latest action, UTC ms: how far the simulation has got. */
  public long scheduledNow() {
    return scheduledNow;
  }

  /** Start of the window, UTC ms. */
  public long startMs() {
    return startMs;
  }

  /** End of the window (exclusive), UTC ms. */
  public long endMs() {
    return endMs;
  }

  /** The users of the run, in registration order. */
  public User[] users() {
    return users.clone();
  }

  /** Counters of what the simulation did so far. */
  public SimulationStats stats() {
    return stats;
  }
}
