package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.testsupport.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MovieCatalogJobTest {

  private final SparkSession spark = SparkTestSession.get();

  @TempDir Path tmp;

  @Test
  void summarizesTheRealCatalogueAsItsReadmeStates() throws IOException {
    Path movies = CatalogFixtures.moviesTxt();
    long expectedProducts = IndependentCount.distinctProducts(Files.readAllBytes(movies));

    long started = System.nanoTime();
    CatalogSummary summary =
        MovieCatalogJob.run(
            spark,
            CatalogJobOptions.parse("--input", movies.toString(), "--no-kafka", "--no-jdbc"));
    System.err.printf(
        "MovieCatalogJob on Movies.txt: %d ms%n%s",
        (System.nanoTime() - started) / 1_000_000, summary.render());

    assertThat(summary.recordsRead()).isEqualTo(8_701);
    assertThat(summary.pricedRecords()).isEqualTo(6_494);
    assertThat(summary.maxListPriceCents()).isEqualTo(99_999L);
    assertThat(summary.maxListPriceDollars()).isEqualTo("999.99");
    assertThat(summary.quarantinedByReason()).isEmpty();
    assertThat(summary.usableRecords()).isEqualTo(8_701);
    assertThat(summary.distinctProducts()).isEqualTo(expectedProducts);
    assertThat(summary.mergedDuplicates()).isEqualTo(8_701 - expectedProducts);
    assertThat(summary.listPriceDisagreements()).isZero();
    assertThat(summary.undefinedCp1252Records()).isZero();
    assertThat(summary.undefinedCp1252Bytes()).isZero();
    assertThat(summary.likelyUtf8Records()).isZero();
  }

  @Test
  void mergesRepeatedProductsKeepingTheLastRecordInFileOrder() throws IOException {
    String excerpt =
        new String(CatalogFixtures.resource("excerpt.txt"), StandardCharsets.ISO_8859_1);
    // ITEM 5 and ITEM 3296 are the same Blu-ray (EAN 0024543781080); make the later one differ.
    int later = excerpt.indexOf("ITEM 3296");
    String changed =
        excerpt.substring(0, later)
            + excerpt
                .substring(later)
                .replace("ListPrice=1999USD$19.99", "ListPrice=2499USD$24.99");
    Path file = write("merge.txt", changed.getBytes(StandardCharsets.ISO_8859_1));

    Map<String, Row> products = productsById(file);

    assertThat(products)
        .containsOnlyKeys(
            "ean:0096009741396", "title:2c7f751e96bdaac0", "ean:0024543781080", productIdOf485());
    Row valor = products.get("ean:0024543781080");
    assertThat(valor.<Long>getAs("list_price_cents")).isEqualTo(2499L);
    assertThat(valor.<Integer>getAs("source_records")).isEqualTo(2);
    assertThat(products.get("ean:0096009741396").<Integer>getAs("source_records")).isEqualTo(1);
    assertThat(CatalogTransforms.releaseDate(valor)).isEqualTo(LocalDate.of(2012, 6, 5));
  }

  @Test
  void readsWindowsLineEndingsAndAFileWithoutTrailingNewline() throws IOException {
    String unix =
        new String(CatalogFixtures.resource("excerpt.txt"), StandardCharsets.ISO_8859_1).strip();
    Path crlf = write("crlf.txt", unix.replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    Path lf = write("lf.txt", unix.getBytes(StandardCharsets.ISO_8859_1));

    Map<String, Row> fromCrlf = productsById(crlf);
    Map<String, Row> fromLf = productsById(lf);

    assertThat(fromCrlf).hasSize(4);
    assertThat(fromCrlf.keySet()).isEqualTo(fromLf.keySet());
    for (String id : fromLf.keySet()) {
      assertThat(fromCrlf.get(id).toString()).isEqualTo(fromLf.get(id).toString());
    }
    assertThat(fromLf.get(productIdOf485()).<String>getAs("title"))
        .isEqualTo("The Scent of Green Papaya (English Subtitled)");
  }

  @Test
  void readsAnEmptyFileAsNoRecords() throws IOException {
    Path empty = write("empty.txt", new byte[0]);

    CatalogSummary summary =
        MovieCatalogJob.run(
            spark, CatalogJobOptions.parse("--input", empty.toString(), "--no-kafka", "--no-jdbc"));

    assertThat(summary.recordsRead()).isZero();
    assertThat(summary.distinctProducts()).isZero();
    assertThat(summary.maxListPriceCents()).isNull();
  }

  @Test
  void keepsRecordBoundariesAcrossInputSplits() throws IOException {
    // 256-byte splits cut almost every record of the excerpt; each must still come out whole.
    Path file = write("split.txt", CatalogFixtures.resource("excerpt.txt"));
    spark
        .sparkContext()
        .hadoopConfiguration()
        .set("mapreduce.input.fileinputformat.split.maxsize", "256");
    try {
      Dataset<Row> raw = CatalogInput.readRawRecords(spark, file.toString());
      assertThat(raw.javaRDD().getNumPartitions()).isGreaterThan(5);
      List<Row> parsed = CatalogTransforms.parseRecords(raw).collectAsList();

      assertThat(parsed)
          .extracting(r -> r.<String>getAs("item_label"))
          .containsExactlyInAnyOrder("ITEM 1", "ITEM 2", "ITEM 5", "ITEM 485", "ITEM 3296");
      assertThat(parsed).allSatisfy(r -> assertThat(r.<String>getAs("reason")).isNull());
    } finally {
      spark
          .sparkContext()
          .hadoopConfiguration()
          .unset("mapreduce.input.fileinputformat.split.maxsize");
    }
  }

  @Test
  void quarantinesBadRecordsWithTheirReason() throws IOException {
    String text =
        "ITEM 1\nTitle=Heat\nListPrice=$5.00\n\n"
            + "ITEM 2\nBinding=DVD\n\n"
            + "ITEM 3\nTitle=Ronin\nListPrice=five dollars\n";
    Path file = write("bad.txt", text.getBytes(StandardCharsets.US_ASCII));

    Dataset<Row> parsed =
        CatalogTransforms.parseRecords(CatalogInput.readRawRecords(spark, file.toString()));
    List<Row> quarantined = CatalogTransforms.quarantinedRecords(parsed).collectAsList();
    CatalogSummary summary =
        MovieCatalogJob.run(
            spark, CatalogJobOptions.parse("--input", file.toString(), "--no-kafka", "--no-jdbc"));

    assertThat(quarantined)
        .extracting(r -> r.<String>getAs("item_label") + " " + r.getAs("reason"))
        .containsExactlyInAnyOrder("ITEM 2 no_title", "ITEM 3 unparseable_list_price");
    Row ronin =
        quarantined.stream()
            .filter(r -> "ITEM 3".equals(r.getAs("item_label")))
            .findFirst()
            .orElseThrow();
    assertThat(ronin.<String>getAs("raw_record"))
        .isEqualTo("ITEM 3\nTitle=Ronin\nListPrice=five dollars");
    assertThat(ronin.<String>getAs("record_hash"))
        .isEqualTo(
            ItemIds.sha256Hex(
                "ITEM 3\nTitle=Ronin\nListPrice=five dollars\nunparseable_list_price"));
    assertThat(ronin.<String>getAs("source_file")).endsWith("bad.txt");
    assertThat(summary.quarantinedByReason())
        .isEqualTo(Map.of("no_title", 1L, "unparseable_list_price", 1L));
    assertThat(summary.recordsRead()).isEqualTo(3);
    assertThat(summary.distinctProducts()).isEqualTo(1);
  }

  @Test
  void writesQuarantinedRecordsToTheLakeOncePerSourceFile() throws IOException {
    Path bad = write("bad.txt", "ITEM 2\nBinding=DVD\n".getBytes(StandardCharsets.US_ASCII));
    Path worse =
        write(
            "worse.txt",
            "ITEM 3\nTitle=Ronin\nListPrice=five dollars\n\nITEM 4\nBinding=VHS\n"
                .getBytes(StandardCharsets.US_ASCII));
    String lake = tmp.resolve("lake").toString();
    // Twice on bad.txt, then once on worse.txt: bad.txt's partition replaced, worse.txt's added.
    for (Path file : List.of(bad, bad, worse)) {
      MovieCatalogJob.run(
          spark,
          CatalogJobOptions.parse(
              "--input", file.toString(), "--no-kafka", "--no-jdbc", "--lake", lake));
    }

    List<Row> rows =
        spark
            .read()
            .parquet(lake + "/quarantine/movies_catalog")
            .selectExpr("source", "item_label", "reason")
            .orderBy("source", "item_label")
            .collectAsList();
    assertThat(rows)
        .extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
        .containsExactly(
            "bad.txt ITEM 2 no_title",
            "worse.txt ITEM 3 unparseable_list_price",
            "worse.txt ITEM 4 no_title");
  }

  @Test
  void refusesAUtf8CatalogueBeforeWritingAnything() throws IOException {
    // The excerpt re-encoded as UTF-8: ITEM 485 (Tran Nu Yen-Khe with circumflexes) becomes UTF-8.
    String excerpt =
        new String(CatalogFixtures.resource("excerpt.txt"), CatalogRecordParser.CP1252);
    Path file = write("utf8.txt", excerpt.getBytes(StandardCharsets.UTF_8));

    // A JDBC sink that cannot work: the check must fail first, before any connection attempt.
    CatalogJobOptions options =
        CatalogJobOptions.parse(
            "--input",
            file.toString(),
            "--no-kafka",
            "--jdbc-url",
            "jdbc:postgresql://127.0.0.1:1/x");
    assertThatThrownBy(() -> MovieCatalogJob.run(spark, options))
        .isInstanceOf(CatalogEncodingException.class)
        .hasMessageContaining("is not Windows-1252 (cp1252)")
        .hasMessageContaining("nothing written")
        .hasMessageContaining(
            "1 of 5 records (20.00%) look like UTF-8, above the limit of 1.00%"
                + " (--max-likely-utf8-ratio); first: ITEM 485 'The Scent of Green Papaya"
                + " (English Subtitled)'")
        .hasMessageNotContaining("undefined in cp1252")
        .satisfies(
            e -> {
              CatalogSummary summary = ((CatalogEncodingException) e).summary();
              assertThat(summary.likelyUtf8Records()).isEqualTo(1);
              assertThat(summary.undefinedCp1252Records()).isZero();
              assertThat(summary.recordsRead()).isEqualTo(5);
            });
  }

  @Test
  void countsOneBadRecordUnderTheLimitAndQuarantinesATooLargeRecord() throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 1; i <= 120; i++) {
      out.writeBytes(
          ("ITEM " + i + "\nTitle=Film " + i + "\n\n").getBytes(StandardCharsets.US_ASCII));
    }
    // Lodz with its Polish letters in UTF-8: L-stroke is C5 81, and 0x81 is undefined in cp1252.
    out.writeBytes("ITEM 121\nTitle=\u0141\u00f3d\u017a\n\n".getBytes(StandardCharsets.UTF_8));
    String big = "ITEM 122\nTitle=Long\nPlot=" + "x".repeat(5000) + "\n";
    out.writeBytes(big.getBytes(StandardCharsets.US_ASCII));
    Path file = write("mixed.txt", out.toByteArray());

    CatalogSummary summary =
        MovieCatalogJob.run(
            spark,
            CatalogJobOptions.parse(
                "--input",
                file.toString(),
                "--no-kafka",
                "--no-jdbc",
                "--max-record-bytes",
                "4096"));
    List<Row> quarantined =
        CatalogTransforms.quarantinedRecords(
                CatalogTransforms.parseRecords(
                    CatalogInput.readRawRecords(spark, file.toString()), 4096))
            .collectAsList();

    // 1 of 122 records (0.82 %) is under the default 1 % limits: counted, not fatal.
    assertThat(summary.recordsRead()).isEqualTo(122);
    assertThat(summary.likelyUtf8Records()).isEqualTo(1);
    assertThat(summary.undefinedCp1252Records()).isEqualTo(1);
    assertThat(summary.undefinedCp1252Bytes()).isEqualTo(1);
    assertThat(summary.usableRecords()).isEqualTo(121);
    assertThat(summary.quarantinedByReason()).isEqualTo(Map.of("record_too_large", 1L));
    assertThat(quarantined).hasSize(1);
    Row tooLarge = quarantined.get(0);
    assertThat(tooLarge.<String>getAs("item_label")).isEqualTo("ITEM 122");
    String suffix = "\n[record cut: 4096 of " + big.length() + " bytes kept]";
    assertThat(tooLarge.<String>getAs("raw_record"))
        .isEqualTo(big.substring(0, 4096) + suffix)
        .hasSize(4096 + suffix.length());
  }

  @Test
  void encodesProductsAsConfluentAvroKeyedByItemId() throws IOException {
    Path file = write("kafka.txt", CatalogFixtures.resource("excerpt.txt"));
    Dataset<Row> products = products(file);

    List<Row> records =
        KafkaCatalogRecords.toKafkaRecords(
                products, InMemorySchemaRegistryClient::new, "movies_catalog_enriched")
            .collectAsList();

    // A fresh in-memory registry assigns id 1 to the first schema, as each partition's did.
    InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    registry.register("movies_catalog_enriched-value", MovieCatalogEnriched.getClassSchema());
    ConfluentAvroCodec codec = new ConfluentAvroCodec(registry);
    Map<String, MovieCatalogEnriched> byKey = new TreeMap<>();
    for (Row r : records) {
      byte[] value = r.getAs("value");
      assertThat(value[0]).isZero();
      byKey.put(
          new String((byte[]) r.getAs("key"), StandardCharsets.UTF_8),
          codec.deserialize(
              new RecordCoordinates("movies_catalog_enriched", 0, 0),
              value,
              MovieCatalogEnriched.class));
    }
    assertThat(byKey).hasSize(4);
    MovieCatalogEnriched pack = byKey.get("ean:0096009741396");
    assertThat(pack.getItemId()).isEqualTo("ean:0096009741396");
    assertThat(pack.getTitle()).isEqualTo("10-Movie Action Pack V.2");
    assertThat(pack.getListPriceCents()).isEqualTo(899L);
    assertThat(pack.getCurrency()).isEqualTo("USD");
    assertThat(pack.getTradeInValueCents()).isEqualTo(25L);
    assertThat(pack.getReleaseDate()).isEqualTo(LocalDate.of(2011, 11, 1));
    assertThat(pack.getRunningTimeMin()).isEqualTo(907);
    assertThat(pack.getAttributes()).containsEntry("UPC", "096009741396").hasSize(21);
    assertThat(byKey.get(productIdOf485()).getAttributes())
        .containsEntry("Actor", "Tran Nu Y\u00ean-Kh\u00ea");
  }

  @Test
  void refusesToWriteToKafkaWithoutBrokerAndRegistry() {
    assertThatThrownBy(() -> CatalogJobOptions.parse("--input", "x", "--no-jdbc"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--bootstrap");
    assertThatThrownBy(() -> CatalogJobOptions.parse("--input", "x", "--no-kafka"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--jdbc-url");
    assertThat(CatalogJobOptions.parse("--input", "x", "--no-kafka", "--no-jdbc").topic())
        .isEqualTo("movies_catalog_enriched");
    assertThat(CatalogJobOptions.parse("--help")).isNull();
  }

  private String productIdOf485() {
    // ITEM 485 has no EAN/UPC/ISBN. sha256("the scent of green papaya (english subtitled)|amazon
    // instant video|movie"), computed with Python.
    return "title:65427683a9cbf4cc";
  }

  private Path write(String name, byte[] bytes) throws IOException {
    Path file = tmp.resolve(name);
    Files.write(file, bytes);
    return file;
  }

  private Dataset<Row> products(Path file) {
    return CatalogTransforms.mergeLatestPerProduct(
        CatalogTransforms.usableRecords(
            CatalogTransforms.parseRecords(CatalogInput.readRawRecords(spark, file.toString()))));
  }

  private Map<String, Row> productsById(Path file) {
    return products(file).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.<String>getAs("item_id"), r -> r));
  }

  /**
   * Counts products in a catalogue file without the job's code: one pass over the lines, keying a
   * record by EAN, else UPC, else ISBN, else the normalized (title, binding, product group) tuple
   * itself (no hashing).
   */
  static final class IndependentCount {

    static long distinctProducts(byte[] file) {
      String text = new String(file, java.nio.charset.Charset.forName("windows-1252"));
      Set<String> keys = new HashSet<>();
      Map<String, String> record = null;
      for (String line : text.split("\r?\n", -1)) {
        if (line.startsWith("ITEM ")) {
          addKey(keys, record);
          record = new TreeMap<>();
        } else if (record != null && line.contains("=")) {
          String key = line.substring(0, line.indexOf('='));
          record.putIfAbsent(key, line.substring(line.indexOf('=') + 1));
        }
      }
      addKey(keys, record);
      return keys.size();
    }

    private static void addKey(Set<String> keys, Map<String, String> r) {
      if (r == null || r.getOrDefault("Title", "").isBlank()) {
        return;
      }
      for (String id : List.of("EAN", "UPC", "ISBN")) {
        if (!r.getOrDefault(id, "").isBlank()) {
          keys.add(id + "#" + r.get(id).trim());
          return;
        }
      }
      keys.add(
          "T#"
              + norm(r.get("Title"))
              + "\u0000"
              + norm(r.get("Binding"))
              + "\u0000"
              + norm(r.get("ProductGroup")));
    }

    private static String norm(String s) {
      if (s == null) {
        return "";
      }
      return String.join(
          " ",
          Normalizer.normalize(s, Normalizer.Form.NFKC)
              .toLowerCase(Locale.ROOT)
              .trim()
              .split("\\s+"));
    }
  }
}
