package io.cinestream.spark.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.testsupport.LocalStack;
import io.cinestream.testsupport.LocalStackExtension;
import io.cinestream.testsupport.SparkTestSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The JDBC upsert and quarantine against a real PostgreSQL migrated by the devstack's Flyway. */
@ExtendWith(LocalStackExtension.class)
class JdbcCatalogWriterTest {

  @TempDir static Path tmp;

  private static String jdbcUrl;
  private final SparkSession spark = SparkTestSession.get();

  @BeforeAll
  static void createDatabase(LocalStack stack) {
    jdbcUrl = stack.newWarehouseDatabase();
  }

  @Test
  void upsertsIdempotentlyAndUpdatesOnlyChangedProducts() throws Exception {
    String excerpt =
        new String(CatalogFixtures.resource("excerpt.txt"), StandardCharsets.ISO_8859_1)
            + "ITEM 9000\nBinding=DVD\nListPrice=$1.00\n\n";
    Path first = write("first.txt", excerpt);
    // The same file, except the last copy of the Act of Valor Blu-ray (ITEM 3296) costs more.
    int later = excerpt.indexOf("ITEM 3296");
    Path second =
        write(
            "second.txt",
            excerpt.substring(0, later)
                + excerpt
                    .substring(later)
                    .replace("ListPrice=1999USD$19.99", "ListPrice=2499USD$24.99"));

    runJob(first);
    Map<String, String> afterFirst = catalogRows();
    Map<String, OffsetDateTime> stampsFirst = updatedAt();
    assertThat(afterFirst)
        .hasSize(4)
        .containsEntry("ean:0024543781080", "Act of Valor [Blu-ray]|1999|USD|25|2|2012-06-05")
        .containsEntry("ean:0096009741396", "10-Movie Action Pack V.2|899|USD|25|1|2011-11-01")
        .containsEntry(
            "title:2c7f751e96bdaac0", "Maleficent (Theatrical) [HD]|null|null|null|1|2014-11-04");
    assertThat(attributesOf("ean:0096009741396"))
        .contains("\"UPC\": \"096009741396\"")
        .doesNotContain("ListPrice");
    assertThat(quarantineRows()).isEqualTo(Map.of("ITEM 9000", "no_title"));

    Thread.sleep(20); // now() must be able to differ between runs
    runJob(first);
    assertThat(catalogRows()).isEqualTo(afterFirst);
    assertThat(updatedAt()).isEqualTo(stampsFirst);
    assertThat(quarantineRows()).hasSize(1);

    runJob(second);
    Map<String, OffsetDateTime> stampsSecond = updatedAt();
    assertThat(catalogRows())
        .containsEntry("ean:0024543781080", "Act of Valor [Blu-ray]|2499|USD|25|2|2012-06-05");
    assertThat(stampsSecond.get("ean:0024543781080")).isAfter(stampsFirst.get("ean:0024543781080"));
    for (String unchanged :
        new String[] {"ean:0096009741396", "title:2c7f751e96bdaac0", "title:65427683a9cbf4cc"}) {
      assertThat(stampsSecond.get(unchanged)).isEqualTo(stampsFirst.get(unchanged));
    }
  }

  private void runJob(Path input) {
    MovieCatalogJob.run(
        spark,
        CatalogJobOptions.parse("--input", input.toString(), "--no-kafka", "--jdbc-url", jdbcUrl));
  }

  private static Path write(String name, String text) throws IOException {
    Path file = tmp.resolve(name);
    Files.write(file, text.getBytes(StandardCharsets.ISO_8859_1));
    return file;
  }

  private static Map<String, String> catalogRows() throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    query(
        "SELECT item_id, title, list_price_cents, currency, trade_in_value_cents, source_records,"
            + " release_date FROM movies_catalog",
        rs ->
            rows.put(
                rs.getString(1),
                rs.getString(2)
                    + "|"
                    + rs.getObject(3)
                    + "|"
                    + rs.getString(4)
                    + "|"
                    + rs.getObject(5)
                    + "|"
                    + rs.getInt(6)
                    + "|"
                    + rs.getString(7)));
    return rows;
  }

  private static Map<String, OffsetDateTime> updatedAt() throws SQLException {
    Map<String, OffsetDateTime> rows = new TreeMap<>();
    query(
        "SELECT item_id, updated_at FROM movies_catalog",
        rs -> rows.put(rs.getString(1), rs.getObject(2, OffsetDateTime.class)));
    return rows;
  }

  private static String attributesOf(String itemId) throws SQLException {
    StringBuilder out = new StringBuilder();
    query(
        "SELECT attributes::text FROM movies_catalog WHERE item_id = '" + itemId + "'",
        rs -> out.append(rs.getString(1)));
    return out.toString();
  }

  private static Map<String, String> quarantineRows() throws SQLException {
    Map<String, String> rows = new TreeMap<>();
    query(
        "SELECT item_label, reason FROM movies_catalog_quarantine",
        rs -> rows.put(rs.getString(1), rs.getString(2)));
    return rows;
  }

  @FunctionalInterface
  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private static void query(String sql, RowReader reader) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }
}
