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
import io.cinestream.schemas.serde.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A fixed, seeded workload for the loader tests: a small simulated shop (every event type), every
 * event in ten (seeded) sent twice (a producer retry: same key, same bytes), and nine records that
 * cannot be loaded, each of a different kind. After {@link #produce} it knows where every record
 * landed, so it can state the exact rows each table must end with: an independent oracle, not the
 * loader's own mapping.
 */
final class LoadWorkload {

  /** A record as sent, and where Kafka put it. */
  static final class Sent {
    final Topic topic;
    final String key;
    final byte[] value;
    final SpecificRecord event; // null for records that cannot be loaded
    final String expectedReason; // dead-letter reason prefix, null for loadable events
    int partition;
    long offset;

    Sent(Topic topic, String key, byte[] value, SpecificRecord event, String expectedReason) {
      this.topic = topic;
      this.key = key;
      this.value = value;
      this.event = event;
      this.expectedReason = expectedReason;
    }
  }

  private static final Instant START = Instant.parse("2026-03-01T08:00:00Z");

  private final List<Sent> sent = new ArrayList<>();

  private LoadWorkload() {}

  /**
   * Builds the workload, encoding with the Confluent serializer against {@code registryUrl}.
   *
   * @param users simulated users (about 9 events each)
   */
  static LoadWorkload build(String registryUrl, int users) {
    LoadWorkload w = new LoadWorkload();
    ConfluentAvroSerializer serializer =
        new ConfluentAvroSerializer(new CachingSchemaRegistryClient(registryUrl));
    Random random = new Random(20260301L);
    List<Sent> events = new ArrayList<>();
    long t = START.toEpochMilli();
    for (int user = 1; user <= users; user++) {
      t += 1_000 + random.nextInt(1_000);
      UUID cart = uuid(random);
      String item1 = "ean:" + (1_000_000 + random.nextInt(9_000_000));
      String item2 = "title:" + Long.toHexString(random.nextLong());
      List<SpecificRecord> session =
          List.of(
              ConsumerRegistration.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t))
                  .setUserId(user)
                  .setAge(18 + random.nextInt(78))
                  .setMaskedEmail("****@mail" + user % 7 + ".example")
                  .setPreferredLanguage(PreferredLanguage.values()[random.nextInt(3)])
                  .build(),
              SignIn.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 5_123))
                  .setUserId(user)
                  .build(),
              ItemView.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 9_001))
                  .setUserId(user)
                  .setItemId(item1)
                  .build(),
              ItemView.newBuilder()
                  .setEventId(uuid(random))
                  // A tab and a backslash: COPY's text format must escape them.
                  .setTimestamp(Instant.ofEpochMilli(t + 9_500))
                  .setUserId(user)
                  .setItemId(item2 + "\t\\x")
                  .build(),
              AddedToCart.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 12_000))
                  .setUserId(user)
                  .setItemId(item1)
                  .setCartId(cart)
                  .build(),
              AddedToCart.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 13_000))
                  .setUserId(user)
                  .setItemId(item2)
                  .setCartId(cart)
                  .build(),
              CheckoutToCart.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 20_000))
                  .setUserId(user)
                  .setCartId(cart)
                  .setPaymentMethod(PaymentMethod.values()[user % 2])
                  .build(),
              ItemRating.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 25_000))
                  .setUserId(user)
                  .setItemId(item1)
                  .setRating(1 + random.nextInt(5))
                  .build(),
              SignOut.newBuilder()
                  .setEventId(uuid(random))
                  .setTimestamp(Instant.ofEpochMilli(t + 30_000))
                  .setUserId(user)
                  .build());
      for (SpecificRecord e : session) {
        Topic topic = Topic.byName(topicOf(e)).orElseThrow();
        byte[] bytes = serializer.serialize(topic.topicName(), e);
        Sent s = new Sent(topic, Integer.toString(user), bytes, e, null);
        events.add(s);
        if (random.nextInt(10) == 0) {
          // A producer retry: the same record again, right behind it.
          events.add(new Sent(topic, s.key, bytes, e, null));
        }
      }
    }
    w.sent.addAll(events);
    // One late retry of the very first event, far behind it in its partition.
    Sent first = events.get(0);
    w.sent.add(new Sent(first.topic, first.key, first.value, first.event, null));
    w.addMalformed(serializer, random);
    return w;
  }

  private void addMalformed(ConfluentAvroSerializer serializer, Random random) {
    SignIn signIn =
        SignIn.newBuilder().setEventId(uuid(random)).setTimestamp(START).setUserId(7).build();
    byte[] good = serializer.serialize("sign_in", signIn);
    byte[] badMagic = good.clone();
    badMagic[0] = 1;
    sent.add(new Sent(Topic.SIGN_IN, "7", badMagic, null, "BAD_MAGIC_BYTE"));

    byte[] unknownId = good.clone();
    ByteBuffer.wrap(unknownId, 1, 4).putInt(987_654);
    sent.add(new Sent(Topic.ITEM_VIEW, "8", unknownId, null, "UNKNOWN_SCHEMA_ID"));

    AddedToCart add =
        AddedToCart.newBuilder()
            .setEventId(uuid(random))
            .setTimestamp(START)
            .setUserId(9)
            .setItemId("ean:1234567")
            .setCartId(uuid(random))
            .build();
    byte[] addBytes = serializer.serialize("added_to_cart", add);
    sent.add(new Sent(Topic.ADDED_TO_CART, "9", Arrays.copyOf(addBytes, 30), null, "TRUNCATED"));
    sent.add(new Sent(Topic.CHECKOUT_TO_CART, "10", new byte[] {0, 0, 1}, null, "TRUNCATED"));
    sent.add(new Sent(Topic.SIGN_OUT, "11", null, null, "TRUNCATED"));

    ItemRating badRating =
        ItemRating.newBuilder()
            .setEventId(uuid(random))
            .setTimestamp(START)
            .setUserId(12)
            .setItemId("ean:7654321")
            .setRating(9)
            .build();
    sent.add(
        new Sent(
            Topic.ITEM_RATING,
            "12",
            serializer.serialize("item_rating", badRating),
            null,
            "INVALID_VALUE"));

    // A producer whose serializer talks to another registry (a staging one, say): the schema is
    // ours but its id means nothing to the registry the loader asks.
    SchemaRegistryClient foreignRegistry =
        new SchemaRegistryClient() {
          @Override
          public int register(String subject, org.apache.avro.Schema schema) {
            return 424_242;
          }

          @Override
          public org.apache.avro.Schema getById(int id) {
            throw new IllegalStateException("not used for writing");
          }
        };
    SignIn foreign =
        SignIn.newBuilder().setEventId(uuid(random)).setTimestamp(START).setUserId(14).build();
    sent.add(
        new Sent(
            Topic.SIGN_IN,
            "14",
            new ConfluentAvroSerializer(foreignRegistry).serialize("sign_in", foreign),
            null,
            "UNKNOWN_SCHEMA_ID"));

    // A registered id of the wrong type: a SignOut (same field layout) produced to sign_in.
    SignOut wrongType =
        SignOut.newBuilder().setEventId(uuid(random)).setTimestamp(START).setUserId(15).build();
    sent.add(
        new Sent(
            Topic.SIGN_IN,
            "15",
            serializer.serialize("sign_out", wrongType),
            null,
            "INCOMPATIBLE_SCHEMA"));

    SignIn misnamed =
        SignIn.newBuilder()
            .setEventId(uuid(random))
            .setTimestamp(START)
            .setUserId(13)
            .setEventName("sign_out")
            .build();
    sent.add(
        new Sent(
            Topic.SIGN_IN, "13", serializer.serialize("sign_in", misnamed), null, "INVALID_VALUE"));
  }

  private static String topicOf(SpecificRecord e) {
    String name = e.getSchema().getName();
    return switch (name) {
      case "ConsumerRegistration" -> "consumer_registration";
      case "SignIn" -> "sign_in";
      case "SignOut" -> "sign_out";
      case "ItemView" -> "item_view";
      case "AddedToCart" -> "added_to_cart";
      case "CheckoutToCart" -> "checkout_to_cart";
      case "ItemRating" -> "item_rating";
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static UUID uuid(Random random) {
    return new UUID(random.nextLong(), random.nextLong());
  }

  /** Sends every record, in order, and notes its partition and offset. */
  void produce(String bootstrap) throws InterruptedException, ExecutionException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>();
      for (Sent s : sent) {
        acks.add(producer.send(new ProducerRecord<>(s.topic.topicName(), s.key, s.value)));
      }
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata m = acks.get(i).get();
        sent.get(i).partition = m.partition();
        sent.get(i).offset = m.offset();
      }
    }
  }

  /** Records sent again by a simulated producer retry. */
  int retries() {
    int n = 0;
    java.util.Set<Object> seen = new java.util.HashSet<>();
    for (Sent s : sent) {
      if (s.event != null && !seen.add(s.event.get(0))) {
        n++;
      }
    }
    return n;
  }

  /** Records sent, duplicates and malformed ones included. */
  int recordCount() {
    return sent.size();
  }

  /**
   * The rows each table must hold, rendered as {@link LoadAssertions#tableRows} renders them: per
   * distinct event_id the copy with the lowest Kafka coordinates; the dead letters by coordinates.
   */
  Map<RawTable, List<String>> expectedRows() {
    Map<RawTable, Map<String, Sent>> firstById = new LinkedHashMap<>();
    for (RawTable t : RawTable.values()) {
      firstById.put(t, new TreeMap<>());
    }
    List<Sent> bad = new ArrayList<>();
    Comparator<Sent> byCoordinates =
        Comparator.<Sent, String>comparing(s -> s.topic.topicName())
            .thenComparingInt(s -> s.partition)
            .thenComparingLong(s -> s.offset);
    for (Sent s : sent) {
      if (s.event == null) {
        bad.add(s);
        continue;
      }
      RawTable table = RawTable.forTopic(s.topic).orElseThrow();
      String id = s.event.get(0).toString();
      firstById.get(table).merge(id, s, (a, b) -> byCoordinates.compare(a, b) <= 0 ? a : b);
    }
    Map<RawTable, List<String>> rows = new LinkedHashMap<>();
    firstById.forEach(
        (table, byId) -> {
          if (table != RawTable.DEAD_LETTER_EVENTS) {
            List<String> r = new ArrayList<>();
            byId.values().forEach(s -> r.add(render(table, s)));
            rows.put(table, sorted(r));
          }
        });
    List<String> dead = new ArrayList<>();
    for (Sent s : bad) {
      dead.add(
          String.join(
              "|",
              s.topic.topicName(),
              Integer.toString(s.partition),
              Long.toString(s.offset),
              s.key,
              s.value == null ? "null" : Base64.getEncoder().encodeToString(s.value),
              s.expectedReason));
    }
    rows.put(RawTable.DEAD_LETTER_EVENTS, sorted(dead));
    return rows;
  }

  /** Distinct event_ids per event table, and malformed records for the dead letters. */
  Map<RawTable, Integer> expectedCounts() {
    Map<RawTable, Integer> counts = new LinkedHashMap<>();
    expectedRows().forEach((t, r) -> counts.put(t, r.size()));
    return counts;
  }

  private static List<String> sorted(List<String> rows) {
    return new ArrayList<>(new TreeSet<>(rows));
  }

  private static String render(RawTable table, Sent s) {
    SpecificRecord e = s.event;
    String eventId = e.get(0).toString();
    String time = Long.toString(((Instant) e.get(1)).toEpochMilli());
    String eventName = e.get(2).toString();
    String user = e.get(3).toString();
    String coordinates = s.topic.topicName() + "|" + s.partition + "|" + s.offset;
    return switch (table) {
      case CONSUMER_EVENTS -> {
        boolean reg = e instanceof ConsumerRegistration;
        ConsumerRegistration r = reg ? (ConsumerRegistration) e : null;
        yield String.join(
            "|",
            eventId,
            eventName,
            user,
            time,
            reg ? Integer.toString(r.getAge()) : "null",
            reg ? r.getMaskedEmail() : "null",
            reg ? r.getPreferredLanguage().name() : "null",
            coordinates);
      }
      case ITEM_VIEW_EVENTS ->
          String.join("|", eventId, user, ((ItemView) e).getItemId(), time, coordinates);
      case CART_EVENTS -> {
        if (e instanceof AddedToCart a) {
          yield String.join(
              "|",
              eventId,
              eventName,
              user,
              a.getCartId().toString(),
              a.getItemId(),
              "null",
              time,
              coordinates);
        }
        CheckoutToCart c = (CheckoutToCart) e;
        yield String.join(
            "|",
            eventId,
            eventName,
            user,
            c.getCartId().toString(),
            "null",
            c.getPaymentMethod().name(),
            time,
            coordinates);
      }
      case ITEM_RATING_EVENTS -> {
        ItemRating r = (ItemRating) e;
        yield String.join(
            "|", eventId, user, r.getItemId(), Integer.toString(r.getRating()), time, coordinates);
      }
      case DEAD_LETTER_EVENTS, WATERMARK_TICKS ->
          throw new IllegalArgumentException("not an event table");
    };
  }
}
