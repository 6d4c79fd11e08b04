package io.cinestream.spark.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Derives the stable product key {@code item_id} of a catalogue record.
 *
 * <p>Rule, first match wins (identifier values are trimmed, otherwise verbatim):
 *
 * <ol>
 *   <li>{@code ean:<EAN>} when the record has a non-blank {@code EAN};
 *   <li>{@code upc:<UPC>} when it has a non-blank {@code UPC};
 *   <li>{@code isbn:<ISBN>} when it has a non-blank {@code ISBN};
 *   <li>otherwise {@code title:<h>}, where {@code h} is the first {@value #HASH_HEX_CHARS} hex
 *       characters (64 bits) of the SHA-256 of the UTF-8 bytes of {@code
 *       norm(Title)|norm(Binding)|norm(ProductGroup)}; a missing Binding or ProductGroup counts as
 *       the empty string. {@code norm} = Unicode NFKC, lower case (root locale), every run of
 *       whitespace collapsed to one space, trimmed.
 * </ol>
 *
 * The {@code ITEM <n>} number is never used: it is a position in the export, not an identity.
 * Thread-safe, stateless.
 */
public final class ItemIds {

  /**
   * Length of the hash in {@code title:} keys: 64 bits, collisions negligible at catalogue size.
   */
  public static final int HASH_HEX_CHARS = 16;

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private ItemIds() {}

  /**
   * @param attributes every attribute of the record, raw values, keyed by attribute name
   * @param title the record's title (already known to be non-blank)
   * @return the item id, e.g. {@code ean:0096009741396} or {@code title:3f2a...}
   */
  public static String itemId(Map<String, String> attributes, String title) {
    for (String key : new String[] {"EAN", "UPC", "ISBN"}) {
      String value = attributes.get(key);
      if (value != null && !value.isBlank()) {
        return key.toLowerCase(Locale.ROOT) + ":" + value.strip();
      }
    }
    String basis =
        normalize(title)
            + "|"
            + normalize(attributes.get("Binding"))
            + "|"
            + normalize(attributes.get("ProductGroup"));
    return "title:" + sha256Hex(basis).substring(0, HASH_HEX_CHARS);
  }

  /**
   * @param text any text, or null
   * @return NFKC-normalized, lower-cased, whitespace-collapsed and trimmed text; "" for null
   */
  public static String normalize(String text) {
    if (text == null) {
      return "";
    }
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    return WHITESPACE.matcher(nfkc).replaceAll(" ").strip();
  }

  /**
   * @param text any text
   * @return the lower-case hex SHA-256 (64 characters) of its UTF-8 bytes
   */
  public static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK ships SHA-256", e);
    }
  }
}
