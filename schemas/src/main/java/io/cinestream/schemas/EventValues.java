package io.cinestream.schemas;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.ItemView;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;

/**
 * The value ranges a decoded event must respect before any consumer uses it: the raw loader, the
 * Spark metric queries and the Flink jobs apply the same rules, so an event refused by one is
 * refused by all (it becomes a dead letter with the reason), and the engines and the reference
 * still see the same input.
 *
 * <p>Avro only checks types (and enum symbols); these are the ranges of the topic table in the
 * design (user_id 1..1,000,000, age 18-95, rating 1-5) and a plausible event time: not before
 * {@link #EARLIEST_EVENT_TIME} (before the shop's catalogue existed) and not after {@link
 * #LATEST_EVENT_TIME} (the last instant that SQL timestamps, PostgreSQL's COPY text and ISO-8601
 * without an expanded year can all carry: a year-10000 event used to stop the loader for ever,
 * PostgreSQL rejecting the micro-batch on each replay).
 *
 * <p><b>Future event times</b> ({@link #check(SpecificRecord, Instant, Duration)}): an event is
 * also refused when its time is more than {@code maxAhead} after the reader's wall clock at decode
 * time. The rule is the watermark's protection: watermark = max event time seen minus
 * max_out_of_orderness, so a single far-future record accepted would move it ahead and make every
 * later good event late. With the bound, no accepted record can move the watermark beyond {@code
 * wall clock + maxAhead - max_out_of_orderness}, whatever a producer writes; with the default
 * {@link #DEFAULT_MAX_AHEAD} equal to the default max_out_of_orderness (2 min) that is the wall
 * clock itself, so a live event (read after it happened) is never made late by a future-dated one.
 * The bound is relative to the wall clock, never to the stream's own maximum, so one record cannot
 * shift it, and it never refuses a genuine event in any mode: a real event happened before it is
 * read, so a bounded replay of a simulated past day is untouched. Only a record dated less than
 * {@code maxAhead} after its reading can be judged differently by two readers at different times (a
 * producer clock that far wrong).
 */
public final class EventValues {

  /**
   * The reason prefix of the dead letter of an event out of range, the same in every consumer:
   * {@code INVALID_VALUE: topic T partition P offset O: <field> <value> outside <range>}.
   */
  public static final String INVALID_VALUE = "INVALID_VALUE";

  /** The earliest event time accepted: 2000-01-01T00:00:00Z. */
  public static final Instant EARLIEST_EVENT_TIME = Instant.parse("2000-01-01T00:00:00Z");

  /** The latest event time accepted: 9999-12-31T23:59:59.999Z. */
  public static final Instant LATEST_EVENT_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

  /**
   * The default of how far after the reader's wall clock an event time may be: 2 minutes, the
   * default max_out_of_orderness (docs/metrics.md#watermark), so that an accepted record cannot
   * move a watermark past the wall clock.
   */
  public static final Duration DEFAULT_MAX_AHEAD = Duration.ofMinutes(2);

  /** The smallest user id. */
  public static final int MIN_USER_ID = 1;

  /** The largest user id. */
  public static final int MAX_USER_ID = 1_000_000;

  /** The youngest registering user. */
  public static final int MIN_AGE = 18;

  /** The oldest registering user. */
  public static final int MAX_AGE = 95;

  private EventValues() {}

  /** A decoded event with a value outside its range. */
  public static final class ImplausibleValueException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ImplausibleValueException(String message) {
      super(message);
    }
  }

  /**
   * Checks one decoded event of an event topic.
   *
   * @param event a generated record of one of the event topics (other records pass unchecked)
   * @throws ImplausibleValueException naming the first field out of range, its value and the range
   */
  public static void check(SpecificRecord event) {
    if (event instanceof ConsumerRegistration e) {
      common(e.getTimestamp(), e.getUserId());
      range("age", e.getAge(), MIN_AGE, MAX_AGE);
    } else if (event instanceof SignIn e) {
      common(e.getTimestamp(), e.getUserId());
    } else if (event instanceof SignOut e) {
      common(e.getTimestamp(), e.getUserId());
    } else if (event instanceof ItemView e) {
      common(e.getTimestamp(), e.getUserId());
    } else if (event instanceof AddedToCart e) {
      common(e.getTimestamp(), e.getUserId());
    } else if (event instanceof CheckoutToCart e) {
      common(e.getTimestamp(), e.getUserId());
    } else if (event instanceof ItemRating e) {
      common(e.getTimestamp(), e.getUserId());
      range("rating", e.getRating(), 1, 5);
    }
  }

  /**
   * Checks one decoded event of an event topic like {@link #check(SpecificRecord)}, and also that
   * its event time is at most {@code maxAhead} after {@code now} (see the class comment).
   *
   * @param event a generated record of one of the event topics (other records pass unchecked)
   * @param now the reader's wall clock at decode time (UTC)
   * @param maxAhead how far after {@code now} an event time may be (>= 0)
   * @throws ImplausibleValueException naming the first field out of range, its value and the range;
   *     for a future event time: {@code event time <t> more than <maxAhead> ahead of the wall clock
   *     <now>}
   */
  public static void check(SpecificRecord event, Instant now, Duration maxAhead) {
    check(event);
    Instant eventTime = eventTime(event);
    if (eventTime != null && eventTime.isAfter(now.plus(maxAhead))) {
      throw new ImplausibleValueException(
          "event time " + eventTime + " more than " + maxAhead + " ahead of the wall clock " + now);
    }
  }

  private static Instant eventTime(SpecificRecord event) {
    if (event instanceof ConsumerRegistration e) {
      return e.getTimestamp();
    } else if (event instanceof SignIn e) {
      return e.getTimestamp();
    } else if (event instanceof SignOut e) {
      return e.getTimestamp();
    } else if (event instanceof ItemView e) {
      return e.getTimestamp();
    } else if (event instanceof AddedToCart e) {
      return e.getTimestamp();
    } else if (event instanceof CheckoutToCart e) {
      return e.getTimestamp();
    } else if (event instanceof ItemRating e) {
      return e.getTimestamp();
    }
    return null;
  }

  private static void common(Instant eventTime, int userId) {
    if (eventTime.isBefore(EARLIEST_EVENT_TIME) || eventTime.isAfter(LATEST_EVENT_TIME)) {
      throw new ImplausibleValueException(
          "event time " + eventTime + " outside " + EARLIEST_EVENT_TIME + ".." + LATEST_EVENT_TIME);
    }
    range("user_id", userId, MIN_USER_ID, MAX_USER_ID);
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new ImplausibleValueException(field + " " + value + " outside " + min + ".." + max);
    }
  }
}
