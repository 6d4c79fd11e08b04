package io.cinestream.spark.load;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.ItemView;
import io.cinestream.events.PaymentMethod;
import io.cinestream.events.PreferredLanguage;
import io.cinestream.events.SignIn;
import io.cinestream.events.SignOut;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.CachingSchemaRegistryClient;
import io.cinestream.schemas.serde.ConfluentAvroSerializer;
import io.cinestream.schemas.warehouse.WarehouseConnections;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * Helpers of {@code bench/loader-throughput.sh} (a benchmark, not a test): {@code produce BOOTSTRAP
 * REGISTRY N} sends N events spread over the seven event topics; {@code copy-ceiling JDBC_URL}
 * exports every loaded event table with {@code COPY ... TO STDOUT} and times {@code COPY ... FROM
 * STDIN} of the same rows into fresh copies of the tables (same columns, key and indexes), printing
 * {@code rows millis}.
 */
public final class LoaderBench {

  private LoaderBench() {}

  /**
   * @param args {@code produce BOOTSTRAP REGISTRY N} or {@code copy-ceiling JDBC_URL}
   * @throws Exception when Kafka, the registry or PostgreSQL fails
   */
  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]));
      case "copy-ceiling" -> copyCeiling(args[1]);
      case "count" -> count(args[1]);
      case "truncate" -> LoadAssertions.truncate(args[1]);
      default -> throw new IllegalArgumentException("produce | copy-ceiling | count | truncate");
    }
  }

  private static void produce(String bootstrap, String registry, int n) throws Exception {
    ConfluentAvroSerializer serializer =
        new ConfluentAvroSerializer(new CachingSchemaRegistryClient(registry));
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    Random random = new Random(7);
    long t = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < n; i++) {
        int user = 1 + random.nextInt(100_000);
        Instant ts = Instant.ofEpochMilli(t + i * 50L);
        UUID id = new UUID(random.nextLong(), random.nextLong());
        SpecificRecord e =
            switch (i % 7) {
              case 0 ->
                  ConsumerRegistration.newBuilder()
                      .setEventId(id)
                      .setTimestamp(ts)
                      .setUserId(user)
                      .setAge(18 + random.nextInt(78))
                      .setMaskedEmail("****@example.com")
                      .setPreferredLanguage(PreferredLanguage.eng)
                      .build();
              case 1 -> SignIn.newBuilder().setEventId(id).setTimestamp(ts).setUserId(user).build();
              case 2 ->
                  SignOut.newBuilder().setEventId(id).setTimestamp(ts).setUserId(user).build();
              case 3 ->
                  ItemView.newBuilder()
                      .setEventId(id)
                      .setTimestamp(ts)
                      .setUserId(user)
                      .setItemId("ean:" + random.nextInt(10_000))
                      .build();
              case 4 ->
                  AddedToCart.newBuilder()
                      .setEventId(id)
                      .setTimestamp(ts)
                      .setUserId(user)
                      .setItemId("ean:" + random.nextInt(10_000))
                      .setCartId(new UUID(user, 1))
                      .build();
              case 5 ->
                  CheckoutToCart.newBuilder()
                      .setEventId(id)
                      .setTimestamp(ts)
                      .setUserId(user)
                      .setCartId(new UUID(user, 1))
                      .setPaymentMethod(PaymentMethod.Card)
                      .build();
              default ->
                  ItemRating.newBuilder()
                      .setEventId(id)
                      .setTimestamp(ts)
                      .setUserId(user)
                      .setItemId("ean:" + random.nextInt(10_000))
                      .setRating(1 + random.nextInt(5))
                      .build();
            };
        String topic = Topic.events().get(i % 7).topicName();
        producer.send(
            new ProducerRecord<>(topic, Integer.toString(user), serializer.serialize(topic, e)));
      }
      producer.flush();
    }
    System.out.println(n);
  }

  private static void count(String jdbcUrl) throws Exception {
    long rows = 0;
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()));
        Statement st = c.createStatement()) {
      for (RawTable table : RawTable.values()) {
        if (table != RawTable.DEAD_LETTER_EVENTS) {
          try (var rs = st.executeQuery("SELECT count(*) FROM " + table.tableName())) {
            rs.next();
            rows += rs.getLong(1);
          }
        }
      }
    }
    System.out.println(rows);
  }

  private static void copyCeiling(String jdbcUrl) throws Exception {
    long rows = 0;
    long nanos = 0;
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, WarehouseConnections.properties(jdbcUrl, System.getenv()));
        Statement st = c.createStatement()) {
      CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
      for (RawTable table : RawTable.values()) {
        if (table == RawTable.DEAD_LETTER_EVENTS) {
          continue;
        }
        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        copy.copyOut(
            "COPY (SELECT " + table.columnList() + " FROM " + table.tableName() + ") TO STDOUT",
            exported);
        String fresh = "bench_copy_" + table.tableName();
        st.execute("DROP TABLE IF EXISTS " + fresh);
        st.execute("CREATE TABLE " + fresh + " (LIKE " + table.tableName() + " INCLUDING ALL)");
        long started = System.nanoTime();
        rows +=
            copy.copyIn(
                "COPY " + fresh + " (" + table.columnList() + ") FROM STDIN",
                new ByteArrayInputStream(exported.toByteArray()));
        nanos += System.nanoTime() - started;
        st.execute("DROP TABLE " + fresh);
      }
    }
    System.out.println(rows + " " + nanos / 1_000_000);
  }
}
