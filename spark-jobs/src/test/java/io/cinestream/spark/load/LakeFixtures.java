package io.cinestream.spark.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Decoded rows ({@link DecodedEvents#SCHEMA}) built by hand, and readers of a lake folder. */
final class LakeFixtures {

  private LakeFixtures() {}

  /** An event row of a topic whose table has {@code user_id} and {@code item_id} columns. */
  static Row event(
      String table,
      String eventId,
      String eventName,
      int userId,
      String at,
      String itemId,
      String topic,
      int partition,
      long offset) {
    Object[] v = new Object[DecodedEvents.SCHEMA.size()];
    v[0] = table;
    v[1] = eventId;
    v[2] = eventName;
    v[3] = userId;
    v[4] = Instant.parse(at).toEpochMilli();
    v[8] = itemId;
    v[12] = topic;
    v[13] = partition;
    v[14] = offset;
    return RowFactory.create(v);
  }

  /** A dead-letter row. */
  static Row deadLetter(String topic, int partition, long offset, String error) {
    Object[] v = new Object[DecodedEvents.SCHEMA.size()];
    v[0] = DecodedEvents.DEAD_LETTER;
    v[12] = topic;
    v[13] = partition;
    v[14] = offset;
    v[15] = "7";
    v[16] = "AAEC";
    v[17] = error;
    return RowFactory.create(v);
  }

  /** A watermark tick row. */
  static Row tick(String topic, int partition, long offset, String at) {
    return DecodedEvents.tickRow(topic, partition, offset, Instant.parse(at).toEpochMilli());
  }

  /**
   * What a lake sub-folder holds: its partition sub-folder (or {@code .} for files directly in it)
   * mapped to the sorted {@code event_id}s (or {@code topic/partition/offset} when no event id).
   */
  static TreeMap<String, List<String>> contents(SparkSession spark, String dir) {
    TreeMap<String, List<String>> out = new TreeMap<>();
    for (Row r :
        spark
            .read()
            .parquet(dir)
            .selectExpr(
                "regexp_extract(input_file_name(), '/(event_date=[0-9-]+)/', 1) AS part",
                "coalesce(event_id, concat_ws('/', kafka_topic, kafka_partition, kafka_offset))")
            .collectAsList()) {
      String part = r.getString(0).isEmpty() ? "." : r.getString(0);
      out.computeIfAbsent(part, k -> new ArrayList<>()).add(r.getString(1));
    }
    out.values().forEach(l -> l.sort(null));
    return out;
  }

  /** The names of the Parquet files under a folder, recursively, relative to it; sorted. */
  static TreeSet<String> parquetFiles(java.nio.file.Path dir) throws java.io.IOException {
    TreeSet<String> names = new TreeSet<>();
    if (!java.nio.file.Files.exists(dir)) {
      return names;
    }
    try (var walk = java.nio.file.Files.walk(dir)) {
      walk.filter(p -> p.toString().endsWith(".parquet"))
          .forEach(p -> names.add(dir.relativize(p).toString()));
    }
    return names;
  }
}
