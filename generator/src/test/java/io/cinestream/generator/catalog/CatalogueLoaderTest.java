package io.cinestream.generator.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.InMemorySchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueLoaderTest {

  @TempDir Path tmp;

  @Test
  void readsTsvWithUnpricedItemsCommentsAndLaterLinesWinning() throws Exception {
    Path f = tmp.resolve("c.tsv");
    Files.writeString(
        f, "# comment\nb:2\t\tNo price\n\na:1\t1999\tFirst\na:1\t2499\tFirst, repriced\n");

    Catalogue c = CatalogueLoader.fromTsv(f);

    assertThat(c.items())
        .containsExactly(
            new CatalogueItem("a:1", 2499L, "First, repriced"),
            new CatalogueItem("b:2", null, "No price"));
    assertThat(c.pricedCount()).isEqualTo(1);
  }

  @Test
  void theTestCatalogueHasTwelveItemsNineOfThemPriced() {
    Catalogue c = CatalogueLoader.fromTsv(Path.of("src/test/resources/catalogue-small.tsv"));

    assertThat(c.size()).isEqualTo(12);
    assertThat(c.pricedCount()).isEqualTo(9);
  }

  @Test
  void anEmptyFileFailsWithAMessageNamingItAndTheRemedy() throws Exception {
    Path f = tmp.resolve("empty.tsv");
    Files.writeString(f, "# nothing here\n");

    assertThatThrownBy(() -> CatalogueLoader.fromTsv(f))
        .isInstanceOf(EmptyCatalogueException.class)
        .hasMessageContaining("The catalogue is empty")
        .hasMessageContaining(f.toString())
        .hasMessageContaining("./pipeline catalog");
  }

  @Test
  void aBadPriceNamesFileAndLine() throws Exception {
    Path f = tmp.resolve("bad.tsv");
    Files.writeString(f, "a\t100\tok\nb\t12.5\tnot cents\n");

    assertThatThrownBy(() -> CatalogueLoader.fromTsv(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(f + ":2");
  }

  @Test
  void topicRecordsApplyLatestValuePerKeyAndTombstonesRemove() {
    ConfluentAvroCodec codec = new ConfluentAvroCodec(new InMemorySchemaRegistryClient());
    Map<String, CatalogueItem> items = new HashMap<>();

    CatalogueLoader.apply(codec, record(codec, 0, "ean:1", "Old title", 100L), items);
    CatalogueLoader.apply(codec, record(codec, 1, "ean:2", "Gone soon", 200L), items);
    CatalogueLoader.apply(codec, record(codec, 2, "ean:1", "New title", null), items);
    CatalogueLoader.apply(
        codec, new ConsumerRecord<>("movies_catalog_enriched", 0, 3, "ean:2", null), items);

    assertThat(items).containsOnlyKeys("ean:1");
    assertThat(items.get("ean:1")).isEqualTo(new CatalogueItem("ean:1", null, "New title"));
  }

  private static ConsumerRecord<String, byte[]> record(
      ConfluentAvroCodec codec, long offset, String id, String title, Long cents) {
    MovieCatalogEnriched m =
        MovieCatalogEnriched.newBuilder()
            .setItemId(id)
            .setTitle(title)
            .setListPriceCents(cents)
            .build();
    return new ConsumerRecord<>(
        "movies_catalog_enriched",
        0,
        offset,
        id,
        codec.serialize("movies_catalog_enriched-value", m));
  }
}
