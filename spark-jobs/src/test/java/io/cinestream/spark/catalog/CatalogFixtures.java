package io.cinestream.spark.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test inputs: excerpts of the real Movies.txt under {@code src/test/resources/catalog}. */
final class CatalogFixtures {

  private CatalogFixtures() {}

  /** The raw bytes of a resource under {@code catalog/}. */
  static byte[] resource(String name) {
    try (InputStream in = CatalogFixtures.class.getResourceAsStream("/catalog/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource catalog/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ASCII/UTF-8 text as bytes (hand-written records). */
  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The real Movies.txt: {@code <cinestream.root>/../shared/data/Movies.txt}, else {@code
   * <cinestream.root>/data/Movies.txt}.
   */
  static Path moviesTxt() {
    Path root = Path.of(System.getProperty("cinestream.root", "..")).toAbsolutePath();
    Path shared = root.resolve("../shared/data/Movies.txt").normalize();
    if (Files.isRegularFile(shared)) {
      return shared;
    }
    Path local = root.resolve("data/Movies.txt");
    if (Files.isRegularFile(local)) {
      return local;
    }
    throw new IllegalStateException("Movies.txt not found at " + shared + " nor " + local);
  }
}
