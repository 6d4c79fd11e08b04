package io.cinestream.generator;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses a duration option: {@code 0}, a whole number with a unit ({@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}), or ISO-8601 ({@code PT2M}).
 */
public final class DurationConverter implements ITypeConverter<Duration> {

  private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  /**
   * @param value the option text
   * @return the duration, never negative
   * @throws TypeConversionException when the text is none of the accepted forms or negative
   */
  @Override
  public Duration convert(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = SHORT.matcher(v);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    }
    try {
      Duration d = Duration.parse(value.strip());
      if (d.isNegative()) {
        throw new TypeConversionException("negative duration: " + value);
      }
      return d;
    } catch (DateTimeParseException e) {
      throw new TypeConversionException(
          "'" + value + "' is not a duration (use e.g. 0, 500ms, 30s, 2m, 1h or PT2M)");
    }
  }
}
