package io.cinestream.spark.catalog;

import io.cinestream.events.MovieCatalogEnriched;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.SchemaRegistryClientFactory;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns merged products into Kafka records for the topic {@code movies_catalog_enriched}: key =
 * {@code item_id} as UTF-8 bytes, value = {@link MovieCatalogEnriched} in the Confluent wire format
 * (magic byte 0, 4-byte schema id, Avro binary), subject {@code <topic>-value}.
 */
public final class KafkaCatalogRecords {

  /** Schema of {@link #toKafkaRecords}, what Spark's kafka sink expects. */
  public static final StructType KAFKA_SCHEMA =
      new StructType()
          .add("key", DataTypes.BinaryType, false)
          .add("value", DataTypes.BinaryType, false);

  private KafkaCatalogRecords() {}

  /**
   * Encodes every product; one registry client and codec per partition, created on the executor
   * (the schema is registered once per partition, then cached).
   *
   * @param products output of {@link CatalogTransforms#mergeLatestPerProduct}
   * @param registry creates the registry client on each executor
   * @param topic the topic, whose {@code -value} subject the schema is registered under
   * @return rows of {@link #KAFKA_SCHEMA}
   * @throws io.cinestream.schemas.serde.RegistryException (on an action) when the registry is
   *     unreachable or refuses the schema
   */
  public static Dataset<Row> toKafkaRecords(
      Dataset<Row> products, SchemaRegistryClientFactory registry, String topic) {
    String subject = topic + "-value";
    return products.mapPartitions(
        (MapPartitionsFunction<Row, Row>)
            rows -> {
              ConfluentAvroCodec codec = new ConfluentAvroCodec(registry.create());
              return new Iterator<>() {
                @Override
                public boolean hasNext() {
                  return rows.hasNext();
                }

                @Override
                public Row next() {
                  MovieCatalogEnriched event = toEvent(rows.next());
                  return RowFactory.create(
                      event.getItemId().getBytes(StandardCharsets.UTF_8),
                      codec.serialize(subject, event));
                }
              };
            },
        Encoders.row(KAFKA_SCHEMA));
  }

  /**
   * @param product a row with {@link CatalogTransforms#PRODUCT_COLUMNS}
   * @return the Avro record of that product
   */
  static MovieCatalogEnriched toEvent(Row product) {
    Map<String, String> attributeMap =
        new LinkedHashMap<>(product.<String, String>getJavaMap(product.fieldIndex("attributes")));
    return MovieCatalogEnriched.newBuilder()
        .setItemId(product.getAs("item_id"))
        .setTitle(product.getAs("title"))
        .setProductGroup(product.getAs("product_group"))
        .setBinding(product.getAs("binding"))
        .setGenre(product.getAs("genre"))
        .setReleaseDate(CatalogTransforms.releaseDate(product))
        .setRunningTimeMin(product.getAs("running_time_min"))
        .setAudienceRating(product.getAs("audience_rating"))
        .setListPriceCents(product.getAs("list_price_cents"))
        .setCurrency(product.getAs("currency"))
        .setTradeInValueCents(product.getAs("trade_in_value_cents"))
        .setAttributes(attributeMap)
        .build();
  }
}
