package io.cinestream.spark.catalog;

/** Thrown by {@link PriceParser} when a value is not one of the accepted price forms. */
public final class UnparseablePriceException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message which value and why, e.g. {@code "'abc' is not a price"}
   */
  public UnparseablePriceException(String message) {
    super(message);
  }
}
