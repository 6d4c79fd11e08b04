package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.events.AddedToCart;
import io.cinestream.events.CheckoutToCart;
import io.cinestream.events.ConsumerRegistration;
import io.cinestream.events.ItemRating;
import io.cinestream.events.ItemView;
import io.cinestream.generator.catalog.CatalogueItem;
import io.cinestream.generator.sim.Behaviour;
import io.cinestream.generator.sink.SentRecord;
import io.cinestream.schemas.Topic;
import io.cinestream.schemas.serde.ConfluentAvroCodec;
import io.cinestream.schemas.serde.RecordCoordinates;
import io.cinestream.schemas.serde.WireFormatException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 50,000-user simulated day with every delivery knob on, checked record by record on the bytes
 * the sink received: each decodes against its topic's schema, and the behaviour replayed per user
 * from the decoded records (an independent path from the simulation's own state) obeys the rules of
 * docs/architecture.md#topics-and-schemas and docs/operations.md#events-the-generator.
 */
class SimulationInvariantsTest {

  private static final long MAX_DELAY_MS = 120_000;
  private static final Pattern MASKED = Pattern.compile("\\*\\*\\*\\*@[a-z0-9.-]+\\.[a-z]+");

  private static Fixtures.Run run;
  private static List<Decoded> decoded;
  private static int malformedSeen;

  /** One record after decoding: send position, topic, key, the decoded value and its bytes. */
  private record Decoded(int position, Topic topic, String key, SpecificRecord value, byte[] raw) {
    UUID eventId() {
      return (UUID) value.get(0);
    }

    long timestampMs() {
      return ((java.time.Instant) value.get(1)).toEpochMilli();
    }

    int userId() {
      return (Integer) value.get(3);
    }
  }

  @BeforeAll
  static void simulateDay() {
    run =
        Fixtures.run(
            50_000,
            Fixtures.DAY_MS,
            42,
            Behaviour.defaults(),
            new DeliveryOptions(MAX_DELAY_MS, 0.01, 0.001, Long.MAX_VALUE));
    ConfluentAvroCodec codec = new ConfluentAvroCodec(run.sink().registry());
    decoded = new ArrayList<>();
    List<SentRecord> records = run.sink().records();
    for (int i = 0; i < records.size(); i++) {
      SentRecord r = records.get(i);
      RecordCoordinates where = new RecordCoordinates(r.topic().topicName(), 0, i);
      if (r.isRaw()) {
        try {
          codec.deserialize(where, r.value(), r.topic().valueClass());
          throw new AssertionError("malformed record " + i + " decoded");
        } catch (WireFormatException expected) {
          malformedSeen++;
        }
        continue;
      }
      SpecificRecord v = codec.deserialize(where, r.value(), r.topic().valueClass());
      decoded.add(new Decoded(i, r.topic(), r.key(), v, r.value()));
    }
  }

  @Test
  void everyRecordDecodesToTheEventThatWasSentAndValidatesAgainstItsSchema() {
    List<SentRecord> records = run.sink().records();
    ConfluentAvroCodec codec = new ConfluentAvroCodec(run.sink().registry());
    List<String> violations = new ArrayList<>();
    for (Decoded d : decoded) {
      SentRecord sent = records.get(d.position());
      // The generic view (plain strings and longs, no logical-type conversions) is what the
      // schema itself describes: validate that, as a consumer without our classes reads it.
      GenericRecord generic =
          codec.deserializeGeneric(RecordCoordinates.unknown(d.topic().topicName()), d.raw());
      check(violations, d.value().equals(sent.event().toAvro()), d, "decodes to another event");
      check(violations, GenericData.get().validate(d.topic().valueSchema(), generic), d, "invalid");
      check(violations, d.topic().topicName().equals(d.value().get(2)), d, "wrong event_name");
      check(violations, d.key().equals(Integer.toString(d.userId())), d, "key is not user_id");
      check(violations, d.userId() >= 1 && d.userId() <= 1_000_000, d, "user_id out of range");
    }
    assertThat(violations).isEmpty();
    assertThat(decoded).hasSizeGreaterThan(500_000);
  }

  @Test
  void fieldValuesStayInTheirDomains() {
    Map<String, CatalogueItem> catalogue = new HashMap<>();
    Fixtures.smallCatalogue().items().forEach(i -> catalogue.put(i.itemId(), i));
    List<String> violations = new ArrayList<>();
    for (Decoded d : decoded) {
      switch (d.topic()) {
        case CONSUMER_REGISTRATION -> {
          ConsumerRegistration r = (ConsumerRegistration) d.value();
          check(violations, r.getAge() >= 18 && r.getAge() <= 95, d, "age out of range");
          check(violations, MASKED.matcher(r.getMaskedEmail()).matches(), d, "e-mail not masked");
        }
        case ITEM_VIEW ->
            check(
                violations,
                catalogue.containsKey(((ItemView) d.value()).getItemId()),
                d,
                "unknown item");
        case ADDED_TO_CART -> {
          CatalogueItem item = catalogue.get(((AddedToCart) d.value()).getItemId());
          check(violations, item != null && item.isPriced(), d, "unpriced item in a cart");
        }
        case ITEM_RATING -> {
          int stars = ((ItemRating) d.value()).getRating();
          check(violations, stars >= 1 && stars <= 5, d, "rating out of range");
        }
        default -> {}
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void userIdsAreUniqueAndEveryEventBelongsToARegisteredUser() {
    List<Integer> registered = new ArrayList<>();
    Set<UUID> registrationIds = new HashSet<>();
    for (Decoded d : decoded) {
      if (d.topic() == Topic.CONSUMER_REGISTRATION && registrationIds.add(d.eventId())) {
        registered.add(d.userId());
      }
    }
    Set<Integer> users = new HashSet<>(registered);
    assertThat(registered).hasSize(50_000);
    assertThat(users).as("distinct user ids").hasSize(50_000);
    List<String> violations = new ArrayList<>();
    for (Decoded d : decoded) {
      check(violations, users.contains(d.userId()), d, "event of an unregistered user");
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void duplicatesAreByteIdenticalResendsAndEveryOtherEventIdIsUnique() {
    Map<UUID, byte[]> first = new HashMap<>();
    Map<Topic, Integer> duplicatesPerTopic = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (Decoded d : decoded) {
      byte[] earlier = first.putIfAbsent(d.eventId(), d.raw());
      if (earlier != null) {
        check(violations, Arrays.equals(d.raw(), earlier), d, "duplicate differs from original");
        duplicatesPerTopic.merge(d.topic(), 1, Integer::sum);
      }
    }
    assertThat(violations).isEmpty();
    run.summary()
        .perTopic()
        .forEach(
            (topic, c) -> {
              assertThat(duplicatesPerTopic.getOrDefault(topic, 0))
                  .as("duplicates of " + topic)
                  .isEqualTo((int) c.duplicates());
            });
    assertThat(run.summary().total().duplicates()).isGreaterThan(0);
    assertThat(first).hasSize((int) run.summary().total().events());
  }

  @Test
  void summaryCountsEqualTheRecordsTheSinkReceived() {
    Map<Topic, long[]> seen = new HashMap<>();
    for (SentRecord r : run.sink().records()) {
      long[] c = seen.computeIfAbsent(r.topic(), t -> new long[2]);
      c[r.isRaw() ? 1 : 0]++;
    }
    run.summary()
        .perTopic()
        .forEach(
            (topic, c) -> {
              long[] s = seen.getOrDefault(topic, new long[2]);
              assertThat(s[0]).as(topic + " events").isEqualTo(c.events() + c.duplicates());
              assertThat(s[1]).as(topic + " malformed").isEqualTo(c.malformed());
            });
    assertThat(malformedSeen).isEqualTo((int) run.summary().total().malformed()).isPositive();
  }

  @Test
  void timestampsGoBackByAtMostTheOutOfOrderBoundInSendOrderAndActuallyDo() {
    long maxSeen = Long.MIN_VALUE;
    long worstLag = 0;
    Map<Integer, Long> maxPerUser = new HashMap<>();
    List<String> violations = new ArrayList<>();
    for (Decoded d : decoded) {
      long t = d.timestampMs();
      if (maxSeen != Long.MIN_VALUE) {
        worstLag = Math.max(worstLag, maxSeen - t);
      }
      maxSeen = Math.max(maxSeen, t);
      Long userMax = maxPerUser.get(d.userId());
      check(violations, userMax == null || userMax - t <= MAX_DELAY_MS, d, "user's time goes back");
      maxPerUser.merge(d.userId(), t, Math::max);
    }
    assertThat(violations).isEmpty();
    assertThat(worstLag).isLessThanOrEqualTo(MAX_DELAY_MS).isGreaterThan(MAX_DELAY_MS / 2);
    assertThat(decoded.get(0).timestampMs()).isGreaterThanOrEqualTo(Fixtures.START_MS);
    assertThat(maxSeen).isLessThan(Fixtures.START_MS + Fixtures.DAY_MS);
  }

  @Test
  void eachUsersStoryIsConsistentInEventTime() {
    // Distinct events per user, replayed in event time (no two events of a user share a ms).
    Map<Integer, List<Decoded>> byUser = new HashMap<>();
    Set<UUID> seen = new HashSet<>();
    for (Decoded d : decoded) {
      if (seen.add(d.eventId())) {
        byUser.computeIfAbsent(d.userId(), u -> new ArrayList<>()).add(d);
      }
    }
    long checkouts = 0;
    long signOutsWithoutSession = 0;
    List<String> violations = new ArrayList<>();
    for (List<Decoded> story : byUser.values()) {
      story.sort((a, b) -> Long.compare(a.timestampMs(), b.timestampMs()));
      for (int i = 1; i < story.size(); i++) {
        check(
            violations,
            story.get(i).timestampMs() > story.get(i - 1).timestampMs(),
            story.get(i),
            "same ms");
      }
      check(
          violations,
          story.get(0).topic() == Topic.CONSUMER_REGISTRATION,
          story.get(0),
          "event before registration");
      boolean inSession = false;
      UUID openCart = null;
      int openCartUnits = 0;
      Set<UUID> closedCarts = new HashSet<>();
      List<String> lastPurchase = List.of();
      List<String> cartItems = new ArrayList<>();
      for (Decoded d : story.subList(1, story.size())) {
        switch (d.topic()) {
          case CONSUMER_REGISTRATION -> violations.add("registered twice: " + d);
          case SIGN_IN -> inSession = true;
          case SIGN_OUT -> {
            if (!inSession) {
              signOutsWithoutSession++;
            }
            inSession = false;
          }
          case ITEM_VIEW -> check(violations, inSession, d, "view outside a session");
          case ADDED_TO_CART -> {
            AddedToCart a = (AddedToCart) d.value();
            check(violations, inSession, d, "add outside a session");
            check(violations, !closedCarts.contains(a.getCartId()), d, "add to a checked-out cart");
            if (openCart == null) {
              openCart = a.getCartId();
            }
            check(violations, a.getCartId().equals(openCart), d, "second open cart");
            openCartUnits++;
            cartItems.add(a.getItemId());
          }
          case CHECKOUT_TO_CART -> {
            CheckoutToCart c = (CheckoutToCart) d.value();
            check(
                violations,
                c.getCartId().equals(openCart) && openCartUnits > 0,
                d,
                "checkout without an open cart");
            closedCarts.add(c.getCartId());
            openCart = null;
            openCartUnits = 0;
            lastPurchase = List.copyOf(cartItems);
            cartItems.clear();
            checkouts++;
          }
          case ITEM_RATING -> {
            ItemRating r = (ItemRating) d.value();
            check(
                violations,
                lastPurchase.contains(r.getItemId()),
                d,
                "rating of an item not bought");
          }
          default -> violations.add("unexpected topic: " + d);
        }
      }
    }
    assertThat(violations).isEmpty();
    assertThat(signOutsWithoutSession).as("no orphan sign_out unless asked").isZero();
    assertThat(checkouts).isEqualTo(run.simulation().stats().checkouts()).isPositive();
    assertThat(run.simulation().stats().sessionsWithoutSignOut()).isPositive();
    // Every session ends with a sign_out, ends deliberately without one, or is cut by the window.
    var stats = run.simulation().stats();
    assertThat(run.summary().perTopic().get(Topic.SIGN_OUT).events())
        .isEqualTo(
            stats.sessions() - stats.sessionsWithoutSignOut() - stats.sessionsCutByWindowEnd());
    assertThat(stats.sessionsCutByWindowEnd()).isPositive();
  }

  /** Records a violation; asserting once at the end keeps a million-record check fast. */
  private static void check(List<String> violations, boolean ok, Decoded d, String what) {
    if (!ok && violations.size() < 20) {
      violations.add(what + ": " + d.topic() + " " + d.value());
    }
  }
}
