package io.cinestream.generator.catalog;

import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the catalogue from the {@code movies_catalog_enriched} topic or from a small TSV file. */
public final class CatalogueLoader {

  private static final Logger LOG = LoggerFactory.getLogger(CatalogueLoader.class);

  private CatalogueLoader() {}

  /**
   * Reads a TSV catalogue: one product per line, {@code item_id<TAB>list_price_cents<TAB>title}; an
   * empty price field means unpriced; blank lines and lines starting with {@code #} are skipped; a
   * repeated item_id replaces the earlier line (as a newer record on the compacted topic would).
   *
   * @param file UTF-8 text
   * @return the catalogue
   * @throws EmptyCatalogueException when the file holds no product
   * @throws IllegalArgumentException naming file and line when a line has fewer than 2 fields or a
   *     price that is not a non-negative whole number
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Catalogue fromTsv(Path file) {
    Map<String, CatalogueItem> items = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] fields = line.split("\t", 3);
        if (fields.length < 2) {
          throw new IllegalArgumentException(
              file + ":" + number + ": expected item_id<TAB>list_price_cents<TAB>title");
        }
        Long cents = null;
        String price = fields[1].strip();
        if (!price.isEmpty()) {
          try {
            cents = Long.parseLong(price);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                file + ":" + number + ": list_price_cents '" + price + "' is not a whole number",
                e);
          }
          if (cents < 0) {
            throw new IllegalArgumentException(
                file + ":" + number + ": negative list_price_cents " + cents);
          }
        }
        String id = fields[0].strip();
        String title = fields.length > 2 ? fields[2].strip() : "";
        items.put(id, new CatalogueItem(id, cents, title));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read catalogue file " + file, e);
    }
    return Catalogue.of(items.values(), "file " + file);
  }

  /**
   * Reads {@code movies_catalog_enriched} from the beginning to the end offsets taken when the read
   * starts, decoding values with the Confluent serde. The latest value per key wins; a null value
   * (tombstone) removes the key.
   *
   * @param bootstrap Kafka bootstrap servers, {@code host:port[,host:port]}
   * @param registry where the values' writer schemas are fetched by id
   * @param timeout how long to wait for the whole read
   * @return the catalogue
   * @throws EmptyCatalogueException when the topic is missing or holds no live product
   * @throws IllegalStateException when the end offsets are not reached within {@code timeout}
   * @throws io.cinestream.schemas.serde.WireFormatException when a value cannot be decoded
   */
  public static Catalogue fromKafka(
      String bootstrap, SchemaRegistryClient registry, Duration timeout) {
    String topic = Topic.MOVIES_CATALOG_ENRICHED.topicName();
    String source = "topic " + topic + " at " + bootstrap;
    ConfluentAvroCodec codec = new ConfluentAvroCodec(registry);
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "cinestream-generator-catalogue");
    Map<String, CatalogueItem> items = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, timeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new EmptyCatalogueException(
            source + " (the topic does not exist)",
            "Start the stack with ./pipeline up, then run ./pipeline catalog.");
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToBeginning(assigned);
      Map<TopicPartition, Long> end = consumer.endOffsets(assigned, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(consumer, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "catalogue read from "
                  + source
                  + " did not reach the end offsets "
                  + end
                  + " within "
                  + timeout);
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(codec, r, items);
        }
      }
    }
    LOG.info("Read {} products from {}", items.size(), source);
    return Catalogue.of(items.values(), source);
  }

  private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Applies one record of the compacted topic to the latest-value-per-key view.
   *
   * @param codec decodes the value
   * @param r the record: key item_id (or null, then the value's item_id), value wire-format bytes
   *     or null for a tombstone
   * @param items the view, updated in place
   */
  static void apply(
      ConfluentAvroCodec codec,
      ConsumerRecord<String, byte[]> r,
      Map<String, CatalogueItem> items) {
    if (r.value() == null) {
      if (r.key() != null) {
        items.remove(r.key());
      }
      return;
    }
    MovieCatalogEnriched m =
        codec.deserialize(
            new RecordCoordinates(r.topic(), r.partition(), r.offset()),
            r.value(),
            MovieCatalogEnriched.class);
    String id = r.key() != null ? r.key() : m.getItemId();
    items.put(id, new CatalogueItem(id, m.getListPriceCents(), m.getTitle()));
  }
}
