package io.cinestream.flink.functions;

/**
 * Units and integer cents summed over a window or a running total.
 *
 * @param units units sold
 * @param cents sales in integer cents
 */
public record SalesTotals(long units, long cents) {

  /** Nothing sold. */
  public static final SalesTotals ZERO = new SalesTotals(0, 0);

  /** The sum of both. */
  public SalesTotals plus(long moreUnits, long moreCents) {
    return new SalesTotals(units + moreUnits, Math.addExact(cents, moreCents));
  }
}
