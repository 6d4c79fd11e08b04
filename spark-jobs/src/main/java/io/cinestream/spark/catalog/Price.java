package io.cinestream.spark.catalog;

/**
 * A parsed catalogue price.
 *
 * @param cents the price in integer cents (US cents for USD), never negative
 * @param currency ISO 4217 code, upper case: the code the value names, else {@code USD}
 * @param declaredCents the cents number written in front of the code in the {@code 4999USD$49.99}
 *     form, or {@code null} when the value has no such prefix
 */
public record Price(long cents, String currency, Long declaredCents) {

  /**
   * Whether the declared cents prefix, when present, equals the amount after {@code $}.
   *
   * @return {@code true} when there is no prefix or it agrees
   */
  public boolean declaredCentsAgree() {
    return declaredCents == null || declaredCents == cents;
  }
}
