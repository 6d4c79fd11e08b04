package io.cinestream.spark.catalog;

import java.nio.charset.Charset;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parses one record of the Movies.txt catalogue export (format: {@code shared/data/README.md}).
 *
 * <p>Input: the bytes of one record, starting with its {@code ITEM <n>} line, then one {@code
 * Key=Value} line per attribute, optionally followed by blank lines. Bytes are decoded as
 * Windows-1252 (byte 0xEA is {@code ê}); lines may end in {@code \n}, {@code \r\n} or {@code \r};
 * the trailing blank line may be missing. Each attribute line is split on its FIRST {@code =}
 * (values may contain {@code =}); the key is trimmed, the value kept verbatim.
 *
 * <p>Output ({@link ParseResult}):
 *
 * <ul>
 *   <li>{@link ParseResult.Parsed} with typed core columns, see {@link CatalogRecord}, and every
 *       other attribute in {@code attributes}. The item id follows {@link ItemIds}.
 *   <li>{@link ParseResult.Rejected} when the record has no {@code ITEM} header ({@link
 *       QuarantineReason#NO_ITEM_HEADER}), holds a second {@code ITEM <n>} line, i.e. several
 *       records run together because no line feed separated them ({@link
 *       QuarantineReason#RECORDS_RUN_TOGETHER}), has no usable Title ({@link
 *       QuarantineReason#NO_TITLE}), or a non-blank ListPrice that {@link PriceParser} refuses
 *       ({@link QuarantineReason#UNPARSEABLE_LIST_PRICE}; a blank ListPrice counts as absent). The
 *       first applicable reason in that order wins.
 *   <li>{@link ParseResult.Blank} for whitespace only.
 * </ul>
 *
 * <p>Lenient on purpose, never rejecting for these: a broken TradeInValue, ReleaseDate or
 * RunningTime gives a null column and its raw text stays in {@code attributes}; a ListPrice whose
 * cents prefix disagrees with its {@code $} amount is priced by the amount, flagged, and its raw
 * text kept in {@code attributes}; a key repeated inside one record keeps its first value (as the
 * export's own parse did); a non-blank line without {@code =} (or with an empty key) is kept under
 * the attribute {@value #UNPARSED_KEY}, lines joined by {@code \n}. NUL characters become U+FFFD
 * because PostgreSQL text and JSONB cannot hold them.
 *
 * <p>Pure Java, no Spark; thread-safe and stateless.
 */
public final class CatalogRecordParser {

  /** The export's encoding. */
  public static final Charset CP1252 = Charset.forName("windows-1252");

  /** Attribute that collects lines without a {@code Key=} part. */
  public static final String UNPARSED_KEY = "_unparsed";

  private static final Pattern LINE_BREAK = Pattern.compile("\\r\\n|\\r|\\n");
  private static final Pattern HEADER = Pattern.compile("ITEM(\\s+\\S.*)?");

  /** An ITEM line after the first: attribute lines always carry a {@code Key=}. */
  private static final Pattern INNER_HEADER = Pattern.compile("ITEM\\s+\\d+");

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");
  private static final Pattern DAY = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
  private static final Pattern YEAR = Pattern.compile("\\d{4}");
  private static final Pattern WHOLE_MINUTES = Pattern.compile("\\d{1,9}");

  /** Attributes that become typed columns and leave {@code attributes} once typed. */
  private static final Set<String> TEXT_COLUMNS =
      Set.of("Title", "ProductGroup", "Binding", "Genre", "AudienceRating");

  private CatalogRecordParser() {}

  /**
   * Parses a whole byte array as one record.
   *
   * @see #parse(byte[], int, int)
   */
  public static ParseResult parse(byte[] bytes) {
    return parse(bytes, 0, bytes.length);
  }

  /**
   * Decodes {@code bytes[offset, offset+length)} as Windows-1252 and parses it as one record.
   *
   * @param bytes raw record bytes (e.g. a Hadoop {@code Text} buffer, valid up to its length)
   * @param offset first byte of the record
   * @param length number of bytes
   * @return the parsed record, a rejection, or blank
   * @throws IndexOutOfBoundsException when the range lies outside {@code bytes}
   */
  public static ParseResult parse(byte[] bytes, int offset, int length) {
    return parseText(new String(bytes, offset, length, CP1252));
  }

  /**
   * The quarantine row of a record longer than the job's maximum record size, built without parsing
   * the record ({@link QuarantineReason#RECORD_TOO_LARGE}).
   *
   * @param bytes the whole raw record
   * @param maxBytes the maximum record size in bytes that it exceeds
   * @param prefixChars how many leading bytes (= characters, cp1252 is one byte per character) to
   *     keep in the raw text
   * @return a rejection whose label is the record's {@code ITEM <n>} line when its first line is
   *     one (else null), and whose raw text is the decoded prefix followed by a line {@code [record
   *     cut: <prefixChars> of <length> bytes kept]}
   */
  public static ParseResult.Rejected tooLarge(byte[] bytes, int maxBytes, int prefixChars) {
    String prefix =
        stripBlankLines(
            new String(bytes, 0, Math.min(bytes.length, prefixChars), CP1252)
                .replace('\u0000', '\uFFFD'));
    String header = LINE_BREAK.split(prefix, 2)[0].strip();
    String itemLabel =
        HEADER.matcher(header).matches() && header.length() <= 100
            ? WHITESPACE.matcher(header).replaceAll(" ")
            : null;
    return new ParseResult.Rejected(
        itemLabel,
        QuarantineReason.RECORD_TOO_LARGE,
        "record of " + bytes.length + " bytes exceeds the maximum of " + maxBytes + " bytes",
        prefix
            + "\n[record cut: "
            + Math.min(bytes.length, prefixChars)
            + " of "
            + bytes.length
            + " bytes kept]");
  }

  /**
   * Parses already decoded text as one record.
   *
   * @param text the record text, starting with its {@code ITEM <n>} line (leading blank lines are
   *     skipped)
   * @return the parsed record, a rejection, or blank
   */
  public static ParseResult parseText(String text) {
    String raw = stripBlankLines(text.replace('\u0000', '\uFFFD'));
    if (raw.isEmpty()) {
      return new ParseResult.Blank();
    }
    String[] lines = LINE_BREAK.split(raw, -1);
    String header = lines[0].strip();
    if (!HEADER.matcher(header).matches()) {
      return new ParseResult.Rejected(
          null,
          QuarantineReason.NO_ITEM_HEADER,
          "first line '" + abbreviate(header) + "' is not an ITEM line",
          raw);
    }
    String itemLabel = WHITESPACE.matcher(header).replaceAll(" ");

    SortedMap<String, String> attributes = new TreeMap<>();
    List<String> unparsed = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isBlank()) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0 && INNER_HEADER.matcher(line.strip()).matches()) {
        return new ParseResult.Rejected(
            itemLabel,
            QuarantineReason.RECORDS_RUN_TOGETHER,
            "line "
                + (i + 1)
                + " '"
                + abbreviate(line.strip())
                + "' starts another record: records not separated by a line feed"
                + " (CR-only line endings?)",
            raw);
      }
      String key = eq < 0 ? "" : line.substring(0, eq).strip();
      if (key.isEmpty()) {
        unparsed.add(line);
      } else {
        attributes.putIfAbsent(key, line.substring(eq + 1));
      }
    }
    if (!unparsed.isEmpty()) {
      attributes.merge(UNPARSED_KEY, String.join("\n", unparsed), (a, b) -> a + "\n" + b);
    }

    String title = blankToNull(attributes.get("Title"));
    if (title == null) {
      return new ParseResult.Rejected(
          itemLabel, QuarantineReason.NO_TITLE, "no Title attribute, or a blank one", raw);
    }
    Price listPrice = null;
    String rawListPrice = attributes.get("ListPrice");
    if (rawListPrice != null && !rawListPrice.isBlank()) {
      try {
        listPrice = PriceParser.parse(rawListPrice);
      } catch (UnparseablePriceException e) {
        return new ParseResult.Rejected(
            itemLabel,
            QuarantineReason.UNPARSEABLE_LIST_PRICE,
            "ListPrice: " + e.getMessage(),
            raw);
      }
    }

    String itemId = ItemIds.itemId(attributes, title);
    String productGroup = blankToNull(attributes.get("ProductGroup"));
    String binding = blankToNull(attributes.get("Binding"));
    String genre = blankToNull(attributes.get("Genre"));
    String audienceRating = blankToNull(attributes.get("AudienceRating"));
    attributes.keySet().removeAll(TEXT_COLUMNS);

    boolean disagree = listPrice != null && !listPrice.declaredCentsAgree();
    if (listPrice != null && !disagree) {
      attributes.remove("ListPrice");
    }
    LocalDate releaseDate = parseDate(attributes.get("ReleaseDate"));
    if (releaseDate != null) {
      attributes.remove("ReleaseDate");
    }
    Integer runningTime = parseMinutes(attributes.get("RunningTime"));
    if (runningTime != null) {
      attributes.remove("RunningTime");
    }
    Long tradeIn = parseTradeIn(attributes.get("TradeInValue"));
    if (tradeIn != null) {
      attributes.remove("TradeInValue");
    }
    return new ParseResult.Parsed(
        new CatalogRecord(
            itemId,
            itemLabel,
            title,
            productGroup,
            binding,
            genre,
            releaseDate,
            runningTime,
            audienceRating,
            listPrice == null ? null : listPrice.cents(),
            listPrice == null ? null : listPrice.currency(),
            tradeIn,
            disagree,
            attributes));
  }

  /**
   * Parses a ReleaseDate value.
   *
   * @param value {@code yyyy-MM-dd}, {@code yyyy-MM} or {@code yyyy}, surrounding whitespace
   *     ignored; null allowed
   * @return the date (first of the month or year for the shorter forms), or null when the value is
   *     null, another form, or not a real date such as {@code 2011-02-30}
   */
  public static LocalDate parseDate(String value) {
    if (value == null) {
      return null;
    }
    String text = value.strip();
    try {
      if (DAY.matcher(text).matches()) {
        return LocalDate.parse(text);
      }
      if (MONTH.matcher(text).matches()) {
        return YearMonth.parse(text).atDay(1);
      }
      if (YEAR.matcher(text).matches()) {
        return Year.parse(text).atDay(1);
      }
    } catch (DateTimeException e) {
      return null;
    }
    return null;
  }

  private static Integer parseMinutes(String value) {
    if (value == null) {
      return null;
    }
    String text = value.strip();
    return WHOLE_MINUTES.matcher(text).matches() ? Integer.valueOf(text) : null;
  }

  private static Long parseTradeIn(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return PriceParser.parse(value).cents();
    } catch (UnparseablePriceException e) {
      return null;
    }
  }

  private static String stripBlankLines(String text) {
    int start = 0;
    while (start < text.length() && (text.charAt(start) == '\n' || text.charAt(start) == '\r')) {
      start++;
    }
    int end = text.length();
    while (end > start && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
      end--;
    }
    // Only line breaks go: trailing spaces of the last value are part of that value.
    return text.substring(start, end).isBlank() ? "" : text.substring(start, end);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
