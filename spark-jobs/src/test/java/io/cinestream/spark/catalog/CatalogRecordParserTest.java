package io.cinestream.spark.catalog;

import static io.cinestream.spark.catalog.CatalogFixtures.ascii;
import static io.cinestream.spark.catalog.CatalogFixtures.resource;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class CatalogRecordParserTest {

  private static CatalogRecord parsed(byte[] bytes) {
    ParseResult result = CatalogRecordParser.parse(bytes);
    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    return ((ParseResult.Parsed) result).record();
  }

  private static ParseResult.Rejected rejected(byte[] bytes) {
    ParseResult result = CatalogRecordParser.parse(bytes);
    assertThat(result).isInstanceOf(ParseResult.Rejected.class);
    return (ParseResult.Rejected) result;
  }

  @Test
  void typesTheCoreColumnsOfARealRecordWithAnEan() {
    CatalogRecord r = parsed(resource("item-1.txt"));

    assertThat(r.itemId()).isEqualTo("ean:0096009741396");
    assertThat(r.itemLabel()).isEqualTo("ITEM 1");
    assertThat(r.title()).isEqualTo("10-Movie Action Pack V.2");
    assertThat(r.productGroup()).isEqualTo("DVD");
    assertThat(r.binding()).isEqualTo("DVD");
    assertThat(r.genre()).isNull();
    assertThat(r.releaseDate()).isEqualTo(LocalDate.of(2011, 11, 1));
    assertThat(r.runningTimeMin()).isEqualTo(907);
    assertThat(r.audienceRating()).isEqualTo("Unrated");
    assertThat(r.listPriceCents()).isEqualTo(899L);
    assertThat(r.currency()).isEqualTo("USD");
    assertThat(r.tradeInValueCents()).isEqualTo(25L);
    assertThat(r.listPriceDeclaredCentsDisagree()).isFalse();
    // 29 attribute lines, 8 of them typed (Title, ProductGroup, Binding, AudienceRating,
    // ReleaseDate, RunningTime, ListPrice, TradeInValue; no Genre) -> 21 kept.
    assertThat(r.attributes())
        .hasSize(21)
        .containsEntry("EAN", "0096009741396")
        .containsEntry("UPC", "096009741396")
        .containsEntry("Languages", "EnglishUnknownEnglishOriginal Language")
        .containsEntry("AspectRatio", "1.33:1")
        .doesNotContainKeys("Title", "ListPrice", "TradeInValue", "ReleaseDate", "Binding");
  }

  @Test
  void keysARecordWithoutIdentifiersByTheHashOfNormalizedTitleBindingAndGroup() {
    CatalogRecord r = parsed(resource("item-2.txt"));

    // sha256("maleficent (theatrical) [hd]|amazon instant video|movie"), computed with Python.
    assertThat(r.itemId()).isEqualTo("title:2c7f751e96bdaac0");
    assertThat(r.genre()).isEqualTo("Action");
    assertThat(r.listPriceCents()).isNull();
    assertThat(r.currency()).isNull();
  }

  @Test
  void titleKeyIgnoresCaseWhitespaceAndCompatibilityForms() {
    String a = "ITEM 1\nBinding=DVD\nTitle=Caf\u00e9   Au Lait \n";
    String b = "ITEM 99\nBinding=dvd\nTitle=CAF\u0045\u0301 au\tlait\n";

    String idA = parsed(a.getBytes(CatalogRecordParser.CP1252)).itemId();
    String idB =
        CatalogRecordParser.parseText(b) instanceof ParseResult.Parsed p
            ? p.record().itemId()
            : null;

    // sha256("café au lait|dvd|") computed with Python: no ProductGroup -> empty component.
    assertThat(idA).isEqualTo("title:ece5d2ed6074c215");
    // E + combining acute is canonically equivalent to é; NFKC composes it.
    assertThat(idB).isEqualTo(idA);
  }

  @Test
  void decodesCp1252ByteEaAsECircumflex() {
    byte[] bytes = resource("item-485-cp1252.txt");
    assertThat(bytes).contains((byte) 0xEA);

    CatalogRecord r = parsed(bytes);

    assertThat(r.attributes()).containsEntry("Actor", "Tran Nu Y\u00ean-Kh\u00ea");
  }

  @Test
  void splitsOnTheFirstEqualsSignOnly() {
    CatalogRecord r =
        parsed(ascii("ITEM 7\nTitle=E=mc2: A=B\nFeature=ratio=16:9=wide\nNote==leading\n"));

    assertThat(r.title()).isEqualTo("E=mc2: A=B");
    assertThat(r.attributes())
        .containsEntry("Feature", "ratio=16:9=wide")
        .containsEntry("Note", "=leading");
  }

  @Test
  void quarantinesARecordWithoutTitle() {
    ParseResult.Rejected r = rejected(ascii("ITEM 8\nBinding=DVD\nListPrice=999USD$9.99\n\n"));

    assertThat(r.reason()).isEqualTo(QuarantineReason.NO_TITLE);
    assertThat(r.itemLabel()).isEqualTo("ITEM 8");
    assertThat(r.rawText()).isEqualTo("ITEM 8\nBinding=DVD\nListPrice=999USD$9.99");
  }

  @Test
  void aTooLargeRecordKeepsItsLabelAndABoundedPrefix() {
    String text = "ITEM  42\nTitle=Heat\nPlot=" + "x".repeat(200) + "\n";
    byte[] bytes = ascii(text);

    ParseResult.Rejected r = CatalogRecordParser.tooLarge(bytes, 100, 30);

    assertThat(r.reason()).isEqualTo(QuarantineReason.RECORD_TOO_LARGE);
    assertThat(r.reason().code()).isEqualTo("record_too_large");
    assertThat(r.itemLabel()).isEqualTo("ITEM 42");
    assertThat(r.detail()).isEqualTo("record of 226 bytes exceeds the maximum of 100 bytes");
    assertThat(r.rawText())
        .isEqualTo("ITEM  42\nTitle=Heat\nPlot=xxxxx\n[record cut: 30 of 226 bytes kept]");
  }

  @Test
  void aTooLargeChunkWithoutItemLineHasNoLabel() {
    ParseResult.Rejected r = CatalogRecordParser.tooLarge(ascii("garbage ".repeat(50)), 64, 16);

    assertThat(r.itemLabel()).isNull();
    assertThat(r.rawText()).isEqualTo("garbage garbage \n[record cut: 16 of 400 bytes kept]");
  }

  @Test
  void quarantinesARecordWithABlankTitle() {
    assertThat(rejected(ascii("ITEM 9\nTitle=   \n")).reason())
        .isEqualTo(QuarantineReason.NO_TITLE);
  }

  @Test
  void quarantinesABrokenListPrice() {
    ParseResult.Rejected r = rejected(ascii("ITEM 10\nListPrice=12,34USD\nTitle=Heat\n"));

    assertThat(r.reason()).isEqualTo(QuarantineReason.UNPARSEABLE_LIST_PRICE);
    assertThat(r.detail()).contains("12,34USD");
    assertThat(r.recordHash())
        .hasSize(64)
        .isEqualTo(ItemIds.sha256Hex(r.rawText() + "\nunparseable_list_price"));
  }

  @Test
  void keepsABrokenTradeInValueAsRawTextWithoutQuarantining() {
    CatalogRecord r =
        parsed(ascii("ITEM 11\nListPrice=$5.00\nTitle=Heat\nTradeInValue=about a dollar\n"));

    assertThat(r.tradeInValueCents()).isNull();
    assertThat(r.attributes()).containsEntry("TradeInValue", "about a dollar");
    assertThat(r.listPriceCents()).isEqualTo(500L);
  }

  @Test
  void pricesByTheAmountAndKeepsTheRawValueWhenCentsDisagree() {
    CatalogRecord r = parsed(ascii("ITEM 12\nListPrice=4999USD$59.99\nTitle=Heat\n"));

    assertThat(r.listPriceCents()).isEqualTo(5999L);
    assertThat(r.listPriceDeclaredCentsDisagree()).isTrue();
    assertThat(r.attributes()).containsEntry("ListPrice", "4999USD$59.99");
  }

  @Test
  void toleratesWindowsLineEndings() {
    byte[] unix = resource("item-1.txt");
    byte[] windows =
        new String(unix, StandardCharsets.ISO_8859_1)
            .replace("\n", "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);

    assertThat(parsed(windows)).isEqualTo(parsed(unix));
  }

  @Test
  void toleratesAChunkCutInsideAWindowsLineEnding() {
    // What the reader hands over when "\nITEM " splits "\r\n" of the next record's header line.
    CatalogRecord r = parsed(ascii("ITEM 3\r\nTitle=Heat\r\nBinding=DVD\r\n\r"));

    assertThat(r.title()).isEqualTo("Heat");
    assertThat(r.binding()).isEqualTo("DVD");
    assertThat(r.attributes()).isEmpty();
  }

  @Test
  void parsesARecordWithoutTrailingBlankLineOrNewline() {
    assertThat(parsed(ascii("ITEM 4\nTitle=Heat\nGenre=Crime")).genre()).isEqualTo("Crime");
  }

  @Test
  void treatsEmptyInputAsNoRecord() {
    assertThat(CatalogRecordParser.parse(new byte[0])).isInstanceOf(ParseResult.Blank.class);
    assertThat(CatalogRecordParser.parse(ascii("\n\r\n\n"))).isInstanceOf(ParseResult.Blank.class);
  }

  @Test
  void quarantinesTextWithoutItemHeader() {
    ParseResult.Rejected r = rejected(ascii("Exported 2014\nTitle=Heat\n"));

    assertThat(r.reason()).isEqualTo(QuarantineReason.NO_ITEM_HEADER);
    assertThat(r.itemLabel()).isNull();
  }

  @Test
  void parsesPartialReleaseDatesToTheFirstDay() {
    assertThat(CatalogRecordParser.parseDate("2011-11")).isEqualTo(LocalDate.of(2011, 11, 1));
    assertThat(CatalogRecordParser.parseDate("1999")).isEqualTo(LocalDate.of(1999, 1, 1));
    assertThat(CatalogRecordParser.parseDate("2011-02-30")).isNull();
    assertThat(CatalogRecordParser.parseDate("11/01/2011")).isNull();
  }

  @Test
  void keepsUntypableCoreValuesInAttributes() {
    CatalogRecord r = parsed(ascii("ITEM 5\nReleaseDate=soon\nRunningTime=999.9\nTitle=Heat\n"));

    assertThat(r.releaseDate()).isNull();
    assertThat(r.runningTimeMin()).isNull();
    assertThat(r.attributes())
        .containsEntry("ReleaseDate", "soon")
        .containsEntry("RunningTime", "999.9");
  }

  @Test
  void prefersEanThenUpcThenIsbn() {
    assertThat(parsed(ascii("ITEM 1\nTitle=T\nUPC=1\nISBN=2\nEAN= 3 \n")).itemId())
        .isEqualTo("ean:3");
    assertThat(parsed(ascii("ITEM 1\nTitle=T\nUPC=1\nISBN=2\n")).itemId()).isEqualTo("upc:1");
    assertThat(parsed(ascii("ITEM 1\nTitle=T\nISBN=B000FLX000\n")).itemId())
        .isEqualTo("isbn:B000FLX000");
  }

  @Test
  void keepsLinesWithoutKeyUnderUnparsed() {
    CatalogRecord r = parsed(ascii("ITEM 6\nTitle=Heat\nstray text\n=no key\n"));

    assertThat(r.attributes())
        .containsEntry(CatalogRecordParser.UNPARSED_KEY, "stray text\n=no key");
  }
}
