package io.cinestream.spark.catalog;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses catalogue price strings ({@code ListPrice}, {@code TradeInValue}) into integer cents and a
 * currency, without floating point.
 *
 * <p>Accepted forms (surrounding whitespace ignored):
 *
 * <ul>
 *   <li>{@code 4999USD$49.99}: the export's form. Only the amount after {@code $} is the price; the
 *       leading number is the same amount in cents and the three letters are the currency. When the
 *       leading cents disagree with the amount, the amount wins (the data README defines it as the
 *       price) and {@link Price#declaredCentsAgree()} reports the disagreement, so callers can
 *       count it and keep the raw text.
 *   <li>{@code $49.99}, {@code 49.99}: currency {@code USD}.
 *   <li>thousands separators in the amount ({@code $1,299.99}), only in groups of three digits.
 *   <li>whole amounts without decimals ({@code $49} = 4900 cents); a fraction must have exactly two
 *       digits.
 * </ul>
 *
 * Everything else (negative amounts, {@code 49.9}, {@code 1,29.99}, a code without amount, amounts
 * beyond {@code Long.MAX_VALUE} cents, text) is rejected. Thread-safe, stateless.
 */
public final class PriceParser {

  private static final Pattern PRICE =
      Pattern.compile(
          "(?:(?<declared>\\d{1,18})(?<currency>[A-Z]{3}))?"
              + "(?<dollar>\\$)?"
              + "(?<whole>\\d{1,3}(?:,\\d{3})+|\\d+)"
              + "(?:\\.(?<fraction>\\d{2}))?");

  private PriceParser() {}

  /**
   * Parses one price value.
   *
   * @param value the attribute value, e.g. {@code 4999USD$49.99}
   * @return the price in cents with its currency
   * @throws UnparseablePriceException when {@code value} is null, blank or not an accepted form,
   *     including a {@code <cents><CODE>} prefix without the {@code $} that must follow it
   */
  public static Price parse(String value) {
    if (value == null || value.isBlank()) {
      throw new UnparseablePriceException("empty price");
    }
    String text = value.strip();
    Matcher m = PRICE.matcher(text);
    if (!m.matches()) {
      throw new UnparseablePriceException("'" + text + "' is not a price");
    }
    String currency = m.group("currency");
    if (currency != null && m.group("dollar") == null) {
      // Without the '$' the prefix and the amount run together ("4999USD49.99"): ambiguous.
      throw new UnparseablePriceException("'" + text + "' has a currency code but no '$' amount");
    }
    String whole = m.group("whole").replace(",", "");
    String fraction = m.group("fraction") == null ? "00" : m.group("fraction");
    long cents;
    try {
      cents =
          Math.addExact(Math.multiplyExact(Long.parseLong(whole), 100L), Long.parseLong(fraction));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UnparseablePriceException("'" + text + "' is too large");
    }
    Long declared = m.group("declared") == null ? null : Long.parseLong(m.group("declared"));
    return new Price(cents, currency == null ? "USD" : currency, declared);
  }
}
