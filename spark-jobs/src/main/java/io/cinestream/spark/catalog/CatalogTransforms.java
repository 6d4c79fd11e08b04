package io.cinestream.spark.catalog;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.to_date;

import java.time.LocalDate;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The catalogue job's transformations, each a {@code Dataset<Row> -> Dataset<Row>} named by its
 * effect. Column names are the warehouse's ({@code movies_catalog}).
 */
public final class CatalogTransforms {

  /**
   * Schema of {@link #parseRecords}: the typed columns of {@link CatalogRecord} plus {@code
   * source_file}, {@code offset} (file order), {@code reason} (null for a usable record, else a
   * {@link QuarantineReason#code()}), {@code raw_record} (decoded text, only for rejected rows),
   * {@code undefined_cp1252_bytes} (count of bytes 0x81, 0x8D, 0x8F, 0x90, 0x9D in the record,
   * {@link EncodingCheck#undefinedCp1252Bytes}) and {@code likely_utf8} ({@link
   * EncodingCheck#likelyUtf8}). Prices are integer cents; {@code release_date} is a DATE.
   */
  public static final StructType PARSED_SCHEMA =
      new StructType()
          .add("source_file", DataTypes.StringType, false)
          .add("offset", DataTypes.LongType, false)
          .add("item_label", DataTypes.StringType, true)
          .add("item_id", DataTypes.StringType, true)
          .add("title", DataTypes.StringType, true)
          .add("product_group", DataTypes.StringType, true)
          .add("binding", DataTypes.StringType, true)
          .add("genre", DataTypes.StringType, true)
          // ISO text here, a DATE after to_date: keeps the row encoder free of time zones.
          .add("release_date", DataTypes.StringType, true)
          .add("running_time_min", DataTypes.IntegerType, true)
          .add("audience_rating", DataTypes.StringType, true)
          .add("list_price_cents", DataTypes.LongType, true)
          .add("currency", DataTypes.StringType, true)
          .add("trade_in_value_cents", DataTypes.LongType, true)
          .add("list_price_disagrees", DataTypes.BooleanType, false)
          .add(
              "attributes",
              DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false),
              true)
          .add("reason", DataTypes.StringType, true)
          .add("raw_record", DataTypes.StringType, true)
          // Encoding checks of the raw bytes (EncodingCheck), for usable and rejected rows alike.
          .add("undefined_cp1252_bytes", DataTypes.IntegerType, false)
          .add("likely_utf8", DataTypes.BooleanType, false);

  /** Default maximum record size in bytes (64 KiB); a real record is about 1 KiB. */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

  /** Characters of a too-large record kept in its quarantine row's {@code raw_record}. */
  public static final int RAW_PREFIX_CHARS = 4096;

  /** Schema of {@link #quarantinedRecords}, the {@code movies_catalog_quarantine} columns. */
  public static final StructType QUARANTINE_SCHEMA =
      new StructType()
          .add("record_hash", DataTypes.StringType, false)
          .add("source_file", DataTypes.StringType, false)
          .add("item_label", DataTypes.StringType, true)
          .add("reason", DataTypes.StringType, false)
          .add("raw_record", DataTypes.StringType, false);

  /** The product columns, in the order of the {@code movies_catalog} table. */
  public static final String[] PRODUCT_COLUMNS = {
    "item_id",
    "title",
    "product_group",
    "binding",
    "genre",
    "release_date",
    "running_time_min",
    "audience_rating",
    "list_price_cents",
    "currency",
    "trade_in_value_cents",
    "attributes",
    "source_records"
  };

  private CatalogTransforms() {}

  /**
   * {@link #parseRecords(Dataset, int)} with the {@link #DEFAULT_MAX_RECORD_BYTES default maximum
   * record size}.
   */
  public static Dataset<Row> parseRecords(Dataset<Row> raw) {
    return parseRecords(raw, DEFAULT_MAX_RECORD_BYTES);
  }

  /**
   * Parses raw records with {@link CatalogRecordParser} on the executors; blank chunks disappear. A
   * record longer than {@code maxRecordBytes} is not parsed but rejected as {@link
   * QuarantineReason#RECORD_TOO_LARGE} with only its first {@link #RAW_PREFIX_CHARS} characters.
   *
   * @param raw rows of {@link CatalogInput#RAW_SCHEMA}
   * @param maxRecordBytes the maximum record size in bytes (positive)
   * @return one row per non-blank record, {@link #PARSED_SCHEMA} with {@code release_date} as DATE
   * @throws IllegalArgumentException when {@code maxRecordBytes} is not positive
   */
  public static Dataset<Row> parseRecords(Dataset<Row> raw, int maxRecordBytes) {
    if (maxRecordBytes <= 0) {
      throw new IllegalArgumentException("maxRecordBytes must be positive: " + maxRecordBytes);
    }
    Dataset<Row> parsed =
        raw.flatMap(
            (FlatMapFunction<Row, Row>) r -> parseRow(r, maxRecordBytes),
            Encoders.row(PARSED_SCHEMA));
    return parsed.withColumn("release_date", to_date(col("release_date"), "yyyy-MM-dd"));
  }

  /**
   * @param parsed output of {@link #parseRecords}
   * @return the usable records only, same columns
   */
  public static Dataset<Row> usableRecords(Dataset<Row> parsed) {
    return parsed.filter(col("reason").isNull());
  }

  /**
   * @param parsed output of {@link #parseRecords}
   * @return the rejected records: {@code record_hash} (see {@link
   *     ParseResult.Rejected#recordHash()}), {@code source_file}, {@code item_label}, {@code
   *     reason}, {@code raw_record}
   */
  public static Dataset<Row> quarantinedRecords(Dataset<Row> parsed) {
    // sha2 hashes the UTF-8 bytes, as ParseResult.Rejected.recordHash does.
    return parsed
        .filter(col("reason").isNotNull())
        .select(
            sha2(concat(col("raw_record"), lit("\n"), col("reason")), 256).as("record_hash"),
            col("source_file"),
            col("item_label"),
            col("reason"),
            col("raw_record"));
  }

  /**
   * Merges repeated records of the same product: the last one in file order wins (files ordered by
   * path, records by byte offset), and {@code source_records} counts how many records were merged.
   *
   * @param usable output of {@link #usableRecords}
   * @return one row per {@code item_id} with {@link #PRODUCT_COLUMNS} ({@code source_records} INT)
   */
  public static Dataset<Row> mergeLatestPerProduct(Dataset<Row> usable) {
    WindowSpec byProduct = Window.partitionBy("item_id");
    WindowSpec latestFirst = byProduct.orderBy(col("source_file").desc(), col("offset").desc());
    return usable
        .withColumn("source_records", count(lit(1)).over(byProduct).cast(DataTypes.IntegerType))
        .withColumn("recency_rank", row_number().over(latestFirst))
        .filter(col("recency_rank").equalTo(1))
        .select(columns(PRODUCT_COLUMNS));
  }

  /**
   * @param product a row with a {@code release_date} DATE column
   * @return that date, whichever external type the session uses for DATE ({@code java.sql.Date}, or
   *     {@link LocalDate} with {@code spark.sql.datetime.java8API.enabled}); null when null
   */
  static LocalDate releaseDate(Row product) {
    Object value = product.getAs("release_date");
    if (value instanceof java.sql.Date date) {
      // Spark builds java.sql.Date from the day number in the JVM zone, toLocalDate reads it back
      // in the same zone: no shift.
      return date.toLocalDate();
    }
    return (LocalDate) value;
  }

  private static Column[] columns(String[] names) {
    Column[] out = new Column[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = col(names[i]);
    }
    return out;
  }

  private static Iterator<Row> parseRow(Row raw, int maxRecordBytes) {
    byte[] bytes = raw.getAs("raw");
    String file = raw.getAs("source_file");
    long offset = raw.<Long>getAs("offset");
    ParseResult result =
        bytes.length > maxRecordBytes
            ? CatalogRecordParser.tooLarge(bytes, maxRecordBytes, RAW_PREFIX_CHARS)
            : CatalogRecordParser.parse(bytes);
    int undefined = EncodingCheck.undefinedCp1252Bytes(bytes);
    boolean utf8 = EncodingCheck.likelyUtf8(bytes);
    Row row;
    if (result instanceof ParseResult.Parsed parsed) {
      CatalogRecord r = parsed.record();
      row =
          RowFactory.create(
              file,
              offset,
              r.itemLabel(),
              r.itemId(),
              r.title(),
              r.productGroup(),
              r.binding(),
              r.genre(),
              r.releaseDate() == null ? null : r.releaseDate().toString(),
              r.runningTimeMin(),
              r.audienceRating(),
              r.listPriceCents(),
              r.currency(),
              r.tradeInValueCents(),
              r.listPriceDeclaredCentsDisagree(),
              scala.collection.JavaConverters.mapAsScalaMap((Map<String, String>) r.attributes()),
              null,
              null,
              undefined,
              utf8);
    } else if (result instanceof ParseResult.Rejected rejected) {
      row =
          RowFactory.create(
              file,
              offset,
              rejected.itemLabel(),
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              false,
              null,
              rejected.reason().code(),
              rejected.rawText(),
              undefined,
              utf8);
    } else {
      return Collections.emptyIterator();
    }
    return Collections.singletonList(row).iterator();
  }
}
