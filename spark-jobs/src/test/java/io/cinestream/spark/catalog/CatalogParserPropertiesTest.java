package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based tests of the Movies.txt parser ({@link CatalogRecordParser}, {@link PriceParser},
 * {@link ItemIds}) on generated records that exercise the format's traps (data/README.md):
 * Windows-1252 bytes, values containing {@code =}, lines without {@code =}, any attribute order,
 * repeated products under other {@code ITEM} numbers, three line-ending styles, huge lines.
 */
class CatalogParserPropertiesTest {

  private static final Charset CP1252 = Charset.forName("windows-1252");

  /**
   * Windows-1252 0x80-0x9F by hand (Unicode's cp1252 mapping table); the five bytes it leaves
   * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) decode to U+FFFD in the JDK. Every other byte is the
   * Latin-1 code point of the same value.
   */
  private static final char[] CP1252_80_9F = {
    '\u20AC', '\uFFFD', '\u201A', '\u0192', '\u201E', '\u2026', '\u2020', '\u2021',
    '\u02C6', '\u2030', '\u0160', '\u2039', '\u0152', '\uFFFD', '\u017D', '\uFFFD',
    '\uFFFD', '\u2018', '\u2019', '\u201C', '\u201D', '\u2022', '\u2013', '\u2014',
    '\u02DC', '\u2122', '\u0161', '\u203A', '\u0153', '\uFFFD', '\u017E', '\u0178'
  };

  /** Attribute keys of the real export (a sample) besides the ones a test sets on purpose. */
  private static final List<String> KEYS =
      List.of(
          "Actor",
          "AspectRatio",
          "AudienceRating",
          "Binding",
          "Director",
          "EAN",
          "Format",
          "Genre",
          "ISBN",
          "Label",
          "Languages",
          "ProductGroup",
          "ReleaseDate",
          "RunningTime",
          "Studio",
          "TradeInValue",
          "UPC");

  // ---------------------------------------------------------------- never throws, any input

  @Property(tries = 1000)
  void anyBytesParseToAResultAndNeverThrow(@ForAll @Size(max = 400) byte[] bytes) {
    ParseResult result = CatalogRecordParser.parse(bytes);

    assertThat(result).isNotNull();
    if (result instanceof ParseResult.Rejected r) {
      assertThat(r.reason()).isNotNull();
      assertThat(r.detail()).isNotBlank();
      assertThat(r.recordHash()).hasSize(64);
    } else if (result instanceof ParseResult.Parsed p) {
      assertThat(p.record().title()).isNotBlank();
      assertThat(p.record().itemId()).matches("(ean|upc|isbn):.+|title:[0-9a-f]{16}");
    } else {
      assertThat(new String(bytes, CP1252).replace('\u0000', ' ')).isBlank();
    }
  }

  @Property(tries = 300)
  void anyRecordShapedBytesParseAndKeepEveryAttributeOrQuarantine(
      @ForAll("recordShapedBytes") byte[] bytes) {
    ParseResult result = CatalogRecordParser.parse(bytes);
    assertThat(result).isNotInstanceOf(ParseResult.Blank.class);
    assertThat(result).isInstanceOfAny(ParseResult.Parsed.class, ParseResult.Rejected.class);
  }

  @Property(tries = 500)
  void aRangeOutsideTheArrayIsTheDocumentedIndexOutOfBounds(
      @ForAll @Size(max = 50) byte[] bytes,
      @ForAll @IntRange(min = -5, max = 60) int offset,
      @ForAll @IntRange(min = -5, max = 60) int length) {
    Throwable thrown = catchThrowable(() -> CatalogRecordParser.parse(bytes, offset, length));
    boolean inside = offset >= 0 && length >= 0 && offset + length <= bytes.length;
    if (inside) {
      assertThat(thrown).isNull();
    } else {
      assertThat(thrown).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Property(tries = 1000)
  void priceParserReturnsNonNegativeCentsOrItsOwnException(@ForAll("priceLike") String value) {
    Throwable thrown = catchThrowable(() -> PriceParser.parse(value));
    if (thrown != null) {
      assertThat(thrown).isExactlyInstanceOf(UnparseablePriceException.class);
      assertThat(thrown.getMessage()).isNotBlank();
    } else {
      Price price = PriceParser.parse(value);
      assertThat(price.cents()).isNotNegative();
      assertThat(price.currency()).matches("[A-Z]{3}");
    }
  }

  // ---------------------------------------------------------------- cp1252

  @Example
  void everyCp1252ByteValueInsideATitleDecodesToItsCharacter() {
    for (int b = 0; b < 256; b++) {
      if (b == '\n' || b == '\r') {
        continue; // line breaks end the attribute: another property covers them
      }
      byte[] record = cp1252("ITEM 1\nTitle=x");
      byte[] bytes = new byte[record.length + 2];
      System.arraycopy(record, 0, bytes, 0, record.length);
      bytes[record.length] = (byte) b;
      bytes[record.length + 1] = 'y';

      ParseResult result = CatalogRecordParser.parse(bytes);

      assertThat(result).as("byte 0x%02x", b).isInstanceOf(ParseResult.Parsed.class);
      assertThat(((ParseResult.Parsed) result).record().title())
          .as("byte 0x%02x", b)
          .isEqualTo("x" + expectedChar(b) + "y");
    }
  }

  @Property(tries = 300)
  void valuesOfAnyCp1252TextSurviveVerbatimIncludingEqualsSigns(
      @ForAll("values") String value, @ForAll("lineEndings") String eol) {
    String text = "ITEM 3" + eol + "Title=T" + eol + "Studio=" + value + eol;

    CatalogRecord r = parsed(CatalogRecordParser.parse(text.getBytes(CP1252)));

    assertThat(r.attributes()).containsEntry("Studio", value);
  }

  @Example
  void aFiveMegabyteLineIsOneValue() {
    String huge = "ab=c".repeat(5 * 1024 * 1024 / 4);
    CatalogRecord r =
        parsed(CatalogRecordParser.parse(cp1252("ITEM 9\nTitle=T\nStudio=" + huge + "\n")));
    assertThat(r.attributes().get("Studio")).hasSize(5 * 1024 * 1024).isEqualTo(huge);

    CatalogRecord longTitle =
        parsed(CatalogRecordParser.parse(cp1252("ITEM 9\nTitle=" + huge + "\n")));
    assertThat(longTitle.title()).isEqualTo(huge);
  }

  // ---------------------------------------------------------------- lines without '='

  @Property(tries = 300)
  void linesWithoutEqualsAreKeptUnderUnparsedNeverDropped(
      @ForAll("recordSpecs") RecordSpec spec, @ForAll("unparsedLines") List<String> junk) {
    List<String> lines = new ArrayList<>(spec.lines());
    for (int i = 0; i < junk.size(); i++) {
      lines.add(Math.min(lines.size(), 1 + i * 2), junk.get(i));
    }
    ParseResult result =
        CatalogRecordParser.parse(render(new RecordSpec(spec.item(), lines, spec.eol())));

    if (!junk.isEmpty() && result instanceof ParseResult.Parsed p) {
      assertThat(p.record().attributes().get(CatalogRecordParser.UNPARSED_KEY))
          .isEqualTo(String.join("\n", junk));
    }
    assertThat(result).isInstanceOfAny(ParseResult.Parsed.class, ParseResult.Rejected.class);
  }

  // ---------------------------------------------------------------- count conservation

  @Property(tries = 200)
  void everyRecordOfAFileEndsParsedOrQuarantinedWithTheRightReason(
      @ForAll("files") List<RecordSpec> records) {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    for (RecordSpec r : records) {
      file.writeBytes(render(r));
      file.writeBytes(cp1252(r.eol()));
    }
    List<byte[]> chunks = splitLikeTheJob(file.toByteArray());

    // The oracle: a record whose lines end in a bare CR is not followed by "\nITEM ", so the next
    // record runs into it; such a group must be quarantined whole, every other record alone.
    List<List<RecordSpec>> groups = new ArrayList<>();
    for (RecordSpec r : records) {
      List<RecordSpec> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
      if (last != null && last.get(last.size() - 1).eol().equals("\r")) {
        last.add(r);
      } else {
        groups.add(new ArrayList<>(List.of(r)));
      }
    }
    assertThat(chunks).hasSameSizeAs(groups);
    int accounted = 0;
    for (int g = 0; g < groups.size(); g++) {
      List<RecordSpec> group = groups.get(g);
      ParseResult result = CatalogRecordParser.parse(chunks.get(g));
      QuarantineReason expected =
          group.size() > 1 ? QuarantineReason.RECORDS_RUN_TOGETHER : group.get(0).expectedReason();
      if (expected == null) {
        assertThat(result).isInstanceOf(ParseResult.Parsed.class);
      } else {
        assertThat(result).isInstanceOf(ParseResult.Rejected.class);
        ParseResult.Rejected rejected = (ParseResult.Rejected) result;
        assertThat(rejected.reason()).isEqualTo(expected);
        assertThat(rejected.detail()).isNotBlank();
        for (RecordSpec r : group) {
          assertThat(rejected.rawText()).contains("ITEM " + r.item());
        }
      }
      accounted += group.size();
    }
    assertThat(accounted).isEqualTo(records.size());
  }

  @Example
  void twoRecordsWithCrOnlyLineEndingsAreQuarantinedTogetherNotMerged() {
    // Found by the property above: before the fix the second record became an "_unparsed" line
    // and its attributes were dropped behind the first record's (first value wins).
    byte[] chunk = cp1252("ITEM 1\rTitle=A\rEAN=1\r\rITEM 2\rTitle=B\rEAN=2\r");

    ParseResult.Rejected r = (ParseResult.Rejected) CatalogRecordParser.parse(chunk);

    assertThat(r.reason()).isEqualTo(QuarantineReason.RECORDS_RUN_TOGETHER);
    assertThat(r.itemLabel()).isEqualTo("ITEM 1");
    assertThat(r.detail()).startsWith("line 5 'ITEM 2' starts another record");
  }

  // ---------------------------------------------------------------- item_id stability

  @Property(tries = 300)
  void itemIdAndRecordIgnoreAttributeOrderAndTheItemNumber(
      @ForAll("recordSpecs") RecordSpec spec, @ForAll long seed, @ForAll int otherItem) {
    List<String> shuffled = new ArrayList<>(spec.lines());
    Collections.shuffle(shuffled, new Random(seed));
    RecordSpec again = new RecordSpec(Math.abs(otherItem % 100_000), shuffled, "\r\n");

    ParseResult first = CatalogRecordParser.parse(render(spec));
    ParseResult second = CatalogRecordParser.parse(render(again));

    if (first instanceof ParseResult.Parsed a) {
      CatalogRecord b = parsed(second);
      assertThat(b.itemId()).isEqualTo(a.record().itemId()).isEqualTo(expectedItemId(spec));
      assertThat(withoutLabel(b)).isEqualTo(withoutLabel(a.record()));
    } else {
      Rejected expected = rejected(first);
      assertThat(rejected(second).reason()).isEqualTo(expected.reason());
    }
  }

  @Property(tries = 300)
  void aRepeatedAttributeLineChangesNothing(
      @ForAll("recordSpecs") RecordSpec spec, @ForAll @IntRange(max = 100) int which) {
    List<String> lines = new ArrayList<>(spec.lines());
    String repeated = lines.get(which % lines.size());
    lines.add(repeated);

    ParseResult once = CatalogRecordParser.parse(render(spec));
    ParseResult twice =
        CatalogRecordParser.parse(render(new RecordSpec(spec.item(), lines, spec.eol())));

    if (once instanceof ParseResult.Parsed a) {
      assertThat(parsed(twice)).isEqualTo(a.record());
    } else {
      assertThat(rejected(twice).reason()).isEqualTo(rejected(once).reason());
    }
  }

  // ---------------------------------------------------------------- prices

  @Property(tries = 1000)
  void pricesRoundTripCentsExactlyInEveryAcceptedForm(
      @ForAll @LongRange(min = 0, max = 999_999_999_999_999L) long cents,
      @ForAll("currencies") String currency) {
    String amount = new BigDecimal(cents).movePointLeft(2).toPlainString();
    String grouped = String.format("%,d.%02d", cents / 100, cents % 100);

    assertThat(PriceParser.parse(cents + currency + "$" + amount))
        .isEqualTo(new Price(cents, currency, cents));
    assertThat(PriceParser.parse(cents + currency + "$" + grouped))
        .isEqualTo(new Price(cents, currency, cents));
    assertThat(PriceParser.parse("$" + amount)).isEqualTo(new Price(cents, "USD", null));
    assertThat(PriceParser.parse(" " + amount + " ")).isEqualTo(new Price(cents, "USD", null));
    if (cents % 100 == 0) {
      assertThat(PriceParser.parse("$" + cents / 100).cents()).isEqualTo(cents);
    }

    CatalogRecord r =
        parsed(
            CatalogRecordParser.parse(
                cp1252("ITEM 1\nListPrice=" + cents + currency + "$" + grouped + "\nTitle=T\n")));
    assertThat(r.listPriceCents()).isEqualTo(cents);
    assertThat(r.currency()).isEqualTo(currency);
    assertThat(r.listPriceDeclaredCentsDisagree()).isFalse();
    assertThat(r.attributes()).doesNotContainKey("ListPrice");
  }

  @Property(tries = 300)
  void aDisagreeingCentsPrefixIsPricedByTheAmountAndFlagged(
      @ForAll @LongRange(min = 0, max = 99_999_999L) long cents,
      @ForAll @LongRange(min = 0, max = 99_999_999L) long declared) {
    String raw = declared + "USD$" + new BigDecimal(cents).movePointLeft(2).toPlainString();
    CatalogRecord r =
        parsed(CatalogRecordParser.parse(cp1252("ITEM 1\nTitle=T\nListPrice=" + raw + "\n")));

    assertThat(r.listPriceCents()).isEqualTo(cents);
    assertThat(r.listPriceDeclaredCentsDisagree()).isEqualTo(declared != cents);
    if (declared != cents) {
      assertThat(r.attributes()).containsEntry("ListPrice", raw);
    }
  }

  // ================================================================ generators and helpers

  /**
   * One record to render: {@code ITEM <item>}, then {@code lines} (already {@code Key=Value} or
   * junk), with the line ending {@code eol}.
   */
  record RecordSpec(int item, List<String> lines, String eol) {

    /** The quarantine reason an independent reading of the rules predicts, null if usable. */
    QuarantineReason expectedReason() {
      Map<String, String> firstValues = firstValues(lines);
      String title = firstValues.get("Title");
      if (title == null || title.isBlank()) {
        return QuarantineReason.NO_TITLE;
      }
      String price = firstValues.get("ListPrice");
      if (price != null && price.startsWith(BAD_PRICE_MARK)) {
        return QuarantineReason.UNPARSEABLE_LIST_PRICE;
      }
      return null;
    }
  }

  /** Every invalid ListPrice generated starts with this, and no valid one does. */
  private static final String BAD_PRICE_MARK = "n/a";

  @Provide
  Arbitrary<RecordSpec> recordSpecs() {
    Arbitrary<String> title =
        Arbitraries.oneOf(
            values().map(v -> "Title=" + v),
            Arbitraries.of("Title=", "Title=   ", "Title=Pulp Fiction", "Title = Heat "));
    Arbitrary<String> price =
        Arbitraries.oneOf(
            Arbitraries.longs()
                .between(0, 99_999_999)
                .map(c -> "ListPrice=" + c + "USD$" + new BigDecimal(c).movePointLeft(2)),
            Arbitraries.strings()
                .withChars("0123456789.,-$x")
                .ofMaxLength(6)
                .map(s -> "ListPrice=" + BAD_PRICE_MARK + s));
    Arbitrary<String> other =
        Combinators.combine(Arbitraries.of(KEYS), values()).as((k, v) -> k + "=" + v);
    Arbitrary<List<String>> optionalTitle = title.list().ofMaxSize(1);
    Arbitrary<List<String>> optionalPrice = price.list().ofMaxSize(1);
    Arbitrary<List<String>> others = other.list().ofMaxSize(12);
    return Combinators.combine(
            Arbitraries.integers().between(0, 99_999),
            optionalTitle,
            optionalPrice,
            others,
            lineEndings())
        .as(
            (item, t, p, o, eol) -> {
              List<String> lines = new ArrayList<>(t);
              lines.addAll(p);
              lines.addAll(o);
              if (lines.isEmpty()) {
                lines.add("Studio=x");
              }
              return new RecordSpec(item, dropRepeatedKeys(lines), eol);
            });
  }

  @Provide
  Arbitrary<List<RecordSpec>> files() {
    return recordSpecs().list().ofMinSize(1).ofMaxSize(8);
  }

  /** Text that is valid Windows-1252 and holds no line break (an attribute value). */
  @Provide
  Arbitrary<String> values() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(30)
        // Line breaks would end the value; NUL and the five undefined bytes (U+FFFD) do not
        // survive a cp1252 round trip, and other properties cover them.
        .map(
            b ->
                new String(b, CP1252)
                    .replace('\n', '=')
                    .replace('\r', ' ')
                    .replace('\u0000', '0')
                    .replace('\uFFFD', '?'));
  }

  @Provide
  Arbitrary<String> lineEndings() {
    return Arbitraries.of("\n", "\r\n", "\r");
  }

  @Provide
  Arbitrary<List<String>> unparsedLines() {
    return Arbitraries.strings()
        .withCharRange('a', 'z')
        .withChars(' ', '.', '\u00EA')
        .ofMinLength(1)
        .ofMaxLength(20)
        .filter(s -> !s.isBlank())
        .list()
        .ofMaxSize(3);
  }

  @Provide
  Arbitrary<String> currencies() {
    return Arbitraries.strings().withCharRange('A', 'Z').ofLength(3);
  }

  @Provide
  Arbitrary<String> priceLike() {
    return Arbitraries.oneOf(
        Arbitraries.strings().withChars("0123456789.,$USDCA -").ofMaxLength(30),
        Arbitraries.strings().ofMaxLength(30),
        Arbitraries.strings().numeric().ofMinLength(15).ofMaxLength(40).map(d -> "$" + d));
  }

  /** Bytes that start with an ITEM line and then hold arbitrary cp1252 lines. */
  @Provide
  Arbitrary<byte[]> recordShapedBytes() {
    return Arbitraries.bytes()
        .array(byte[].class)
        .ofMaxSize(300)
        .map(
            body -> {
              byte[] head = cp1252("ITEM 7\n");
              byte[] out = new byte[head.length + body.length];
              System.arraycopy(head, 0, out, 0, head.length);
              System.arraycopy(body, 0, out, head.length, body.length);
              return out;
            });
  }

  /** Keeps the first line of each key, so that shuffling cannot change which value wins. */
  private static List<String> dropRepeatedKeys(List<String> lines) {
    Set<String> seen = new HashSet<>();
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (seen.add(line.substring(0, eq).strip())) {
        out.add(line);
      }
    }
    return out;
  }

  private static Map<String, String> firstValues(List<String> lines) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : lines) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.substring(0, eq).isBlank()) {
        values.putIfAbsent(line.substring(0, eq).strip(), line.substring(eq + 1));
      }
    }
    return values;
  }

  /** The item id by the documented rule, computed from the generated lines. */
  private static String expectedItemId(RecordSpec spec) {
    Map<String, String> values = firstValues(spec.lines());
    for (String key : List.of("EAN", "UPC", "ISBN")) {
      String v = values.get(key);
      if (v != null && !v.isBlank()) {
        return key.toLowerCase(java.util.Locale.ROOT) + ":" + v.strip();
      }
    }
    String basis =
        ItemIds.normalize(values.get("Title"))
            + "|"
            + ItemIds.normalize(values.get("Binding"))
            + "|"
            + ItemIds.normalize(values.get("ProductGroup"));
    return "title:" + ItemIds.sha256Hex(basis).substring(0, 16);
  }

  private static byte[] render(RecordSpec spec) {
    StringBuilder text = new StringBuilder("ITEM ").append(spec.item()).append(spec.eol());
    for (String line : spec.lines()) {
      text.append(line).append(spec.eol());
    }
    return text.toString().getBytes(CP1252);
  }

  /**
   * Splits a file into records as {@link CatalogInput} does (delimiter {@code \nITEM }, the
   * delimiter's {@code ITEM } put back on every record but the first), written out independently of
   * Hadoop's reader.
   */
  private static List<byte[]> splitLikeTheJob(byte[] file) {
    byte[] delimiter = cp1252(CatalogInput.RECORD_DELIMITER);
    List<byte[]> chunks = new ArrayList<>();
    int start = 0;
    boolean first = true;
    for (int i = 0; i <= file.length; i++) {
      boolean atDelimiter =
          i + delimiter.length <= file.length
              && java.util.Arrays.equals(
                  file, i, i + delimiter.length, delimiter, 0, delimiter.length);
      if (atDelimiter || i == file.length) {
        byte[] body = java.util.Arrays.copyOfRange(file, start, i);
        chunks.add(first ? body : concat(cp1252("ITEM "), body));
        first = false;
        start = i + delimiter.length;
        i = start - 1;
      }
    }
    return chunks;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static char expectedChar(int b) {
    if (b == 0) {
      return '\uFFFD'; // NUL is replaced: PostgreSQL text cannot hold it
    }
    return b >= 0x80 && b < 0xA0 ? CP1252_80_9F[b - 0x80] : (char) b;
  }

  private static byte[] cp1252(String text) {
    return text.getBytes(CP1252);
  }

  private static CatalogRecord parsed(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).record();
  }

  private static Rejected rejected(ParseResult result) {
    assertThat(result).isInstanceOf(ParseResult.Rejected.class);
    ParseResult.Rejected r = (ParseResult.Rejected) result;
    return new Rejected(r.reason());
  }

  private record Rejected(QuarantineReason reason) {}

  private static CatalogRecord withoutLabel(CatalogRecord r) {
    return new CatalogRecord(
        r.itemId(),
        null,
        r.title(),
        r.productGroup(),
        r.binding(),
        r.genre(),
        r.releaseDate(),
        r.runningTimeMin(),
        r.audienceRating(),
        r.listPriceCents(),
        r.currency(),
        r.tradeInValueCents(),
        r.listPriceDeclaredCentsDisagree(),
        r.attributes());
  }
}
