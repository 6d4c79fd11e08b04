package io.cinestream.generator.sim;

import java.util.SplittableRandom;
import java.util.UUID;

/**
 * The independent random streams of one run, all derived from {@code --seed}.
 *
 * <p>Each concern draws from its own stream so that a knob of one does not shift the others: with
 * the same seed, turning on duplicates or malformed records leaves the simulated events (event ids
 * included) exactly as they were, which is what lets tests compare runs knob by knob.
 */
public final class RandomStreams {

  /** Popularity ranks of the catalogue. */
  public final SplittableRandom ranks;

  /** User ids, ages, e-mail domains, languages, registration times. */
  public final SplittableRandom population;

  /** Every behavioural choice and duration of the simulation. */
  public final SplittableRandom behaviour;

  /** event_id and cart_id UUIDs. */
  public final SplittableRandom ids;

  /** Out-of-order send delays. */
  public final SplittableRandom delays;

  /** Which events are sent twice. */
  public final SplittableRandom duplicates;

  /** Which events get a malformed companion record, and of which kind. */
  public final SplittableRandom malformed;

  /**
   * @param seed the run's seed ({@code --seed})
   */
  public RandomStreams(long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    // split() is deterministic: the order of these lines fixes every stream for a given seed.
    ranks = root.split();
    population = root.split();
    behaviour = root.split();
    ids = root.split();
    delays = root.split();
    duplicates = root.split();
    malformed = root.split();
  }

  /**
   * A random version-4 UUID (RFC 9562 section 5.4) from the {@link #ids} stream, instead of {@link
   * UUID#randomUUID()}, so that event ids repeat with the seed.
   */
  public UUID nextUuid() {
    long msb = (ids.nextLong() & ~0xF000L) | 0x4000L;
    long lsb = (ids.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
