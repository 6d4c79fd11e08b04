package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PriceParserTest {

  @ParameterizedTest
  @CsvSource({
    "4999USD$49.99, 4999, USD",
    "25USD$0.25, 25, USD",
    "99999USD$999.99, 99999, USD",
    "$49.99, 4999, USD",
    "49.99, 4999, USD",
    "'$1,299.99', 129999, USD",
    "'129999USD$1,299.99', 129999, USD",
    "'  $7.05 ', 705, USD",
    "$49, 4900, USD",
    "0USD$0.00, 0, USD",
    "1500CAD$15.00, 1500, CAD"
  })
  void parsesAcceptedFormsIntoCents(String value, long cents, String currency) {
    Price price = PriceParser.parse(value);

    assertThat(price.cents()).isEqualTo(cents);
    assertThat(price.currency()).isEqualTo(currency);
    assertThat(price.declaredCentsAgree()).isTrue();
  }

  @Test
  void pricesByTheDollarAmountWhenTheCentsPrefixDisagrees() {
    Price price = PriceParser.parse("4999USD$59.99");

    assertThat(price.cents()).isEqualTo(5999);
    assertThat(price.declaredCents()).isEqualTo(4999L);
    assertThat(price.declaredCentsAgree()).isFalse();
  }

  @Test
  void keepsCentsExactWhereFloatingPointWouldNot() {
    // 0.29 * 100 = 28.999999999999996 in double arithmetic.
    assertThat(PriceParser.parse("$0.29").cents()).isEqualTo(29);
    assertThat(PriceParser.parse("$1,000,000.07").cents()).isEqualTo(100_000_007);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "  ",
        "abc",
        "-5.00",
        "$-5.00",
        "49.9",
        "49.999",
        "1,29.99",
        "12,3456.00",
        "4999USD",
        "4999USD49.99",
        "USD$49.99",
        "4999usd$49.99",
        "$49.99 USD",
        "99999999999999999999.99"
      })
  void rejectsEverythingElse(String value) {
    assertThatThrownBy(() -> PriceParser.parse(value))
        .isInstanceOf(UnparseablePriceException.class);
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> PriceParser.parse(null)).isInstanceOf(UnparseablePriceException.class);
  }
}
