package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EncodingCheckTest {

  private static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  @Test
  void javasWindows1252DecoderTurnsTheFiveUndefinedBytesIntoReplacementCharacters() {
    String decoded = new String(bytes(0x81, 0x8D, 0x8F, 0x90, 0x9D), CatalogRecordParser.CP1252);
    assertThat(decoded).isEqualTo("\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
    // Their neighbours are defined: 0x80 is the euro sign, 0x9E is z caron.
    assertThat(new String(bytes(0x80, 0x9E), CatalogRecordParser.CP1252)).isEqualTo("\u20AC\u017E");
  }

  @Test
  void countsExactlyTheFiveUndefinedBytes() {
    int undefined = 0;
    for (int b = 0; b < 256; b++) {
      if (EncodingCheck.isUndefinedCp1252((byte) b)) {
        undefined++;
      }
    }
    assertThat(undefined).isEqualTo(5);
    assertThat(EncodingCheck.undefinedCp1252Bytes(bytes('A', 0x81, 0x8D, 'B', 0x81, 0x9D, 0x80)))
        .isEqualTo(4);
    assertThat(EncodingCheck.undefinedCp1252Bytes("Title=Heat".getBytes(StandardCharsets.US_ASCII)))
        .isZero();
  }

  @Test
  void utf8AccentsAndPunctuationLookLikeUtf8() {
    // "Am" + é (C3 A9) + "lie"
    assertThat(EncodingCheck.likelyUtf8(bytes('A', 'm', 0xC3, 0xA9, 'l', 'i', 'e'))).isTrue();
    // right single quotation mark U+2019 = E2 80 99
    assertThat(EncodingCheck.likelyUtf8(bytes('I', 0xE2, 0x80, 0x99, 'm'))).isTrue();
    // a 4-byte sequence: U+1F3AC clapper board = F0 9F 8E AC
    assertThat(EncodingCheck.likelyUtf8(bytes(0xF0, 0x9F, 0x8E, 0xAC))).isTrue();
    assertThat(
            EncodingCheck.likelyUtf8(
                "ITEM 1\nTitle=Am\u00e9lie \u2019\n".getBytes(StandardCharsets.UTF_8)))
        .isTrue();
  }

  @Test
  void genuineCp1252AndAsciiDoNotLookLikeUtf8() {
    // é in cp1252 is the single byte E9 followed by ASCII: malformed UTF-8.
    assertThat(EncodingCheck.likelyUtf8(bytes('A', 'm', 0xE9, 'l', 'i', 'e'))).isFalse();
    assertThat(
            EncodingCheck.likelyUtf8(
                "ITEM 485\nActor=Tran Nu Y\u00ean-Kh\u00ea\n".getBytes(CatalogRecordParser.CP1252)))
        .isFalse();
    // ASCII is valid in both encodings: nothing to warn about.
    assertThat(EncodingCheck.likelyUtf8("ITEM 1\nTitle=Heat\n".getBytes(StandardCharsets.US_ASCII)))
        .isFalse();
    assertThat(EncodingCheck.likelyUtf8(new byte[0])).isFalse();
  }

  @Test
  void oneMalformedByteAnywhereMeansNotUtf8() {
    // a valid é, then a cp1252 ê (EA) before ASCII
    assertThat(EncodingCheck.likelyUtf8(bytes(0xC3, 0xA9, ' ', 0xEA, 'x'))).isFalse();
    // truncated sequence at the end
    assertThat(EncodingCheck.likelyUtf8(bytes('a', 0xE2, 0x80))).isFalse();
    // lone continuation byte
    assertThat(EncodingCheck.likelyUtf8(bytes('a', 0x99))).isFalse();
    // overlong encoding of '/' (C0 AF) and of NUL (C1 80)
    assertThat(EncodingCheck.likelyUtf8(bytes(0xC0, 0xAF))).isFalse();
    assertThat(EncodingCheck.likelyUtf8(bytes(0xC1, 0x80))).isFalse();
    // UTF-16 surrogate U+D800 encoded as ED A0 80
    assertThat(EncodingCheck.likelyUtf8(bytes(0xED, 0xA0, 0x80))).isFalse();
    // above U+10FFFF: F4 90 80 80, and F5 is never a lead byte
    assertThat(EncodingCheck.likelyUtf8(bytes(0xF4, 0x90, 0x80, 0x80))).isFalse();
    assertThat(EncodingCheck.likelyUtf8(bytes(0xF5, 0x80, 0x80, 0x80))).isFalse();
    // the largest code point F4 8F BF BF is fine
    assertThat(EncodingCheck.likelyUtf8(bytes(0xF4, 0x8F, 0xBF, 0xBF))).isTrue();
  }

  @Test
  void aUtf8RecordCanAlsoHoldUndefinedCp1252Bytes() {
    // Ł U+0141 = C5 81: valid UTF-8 whose continuation byte 0x81 is undefined in cp1252.
    byte[] record = bytes('L', 0xC5, 0x81, 'o', 'd', 'z');
    assertThat(EncodingCheck.likelyUtf8(record)).isTrue();
    assertThat(EncodingCheck.undefinedCp1252Bytes(record)).isEqualTo(1);
  }
}
