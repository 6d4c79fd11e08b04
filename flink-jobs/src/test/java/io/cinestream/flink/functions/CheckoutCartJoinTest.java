package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.Event;
import io.cinestream.flink.model.LateEvent;
import io.cinestream.flink.model.SaleItem;
import java.time.Duration;
import java.time.Instant;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CheckoutCartJoinTest {

  private static final String CART_A = "0000000a-0000-4000-8000-000000000000";
  private static final String CART_B = "0000000b-0000-4000-8000-000000000000";
  private KeyedOneInputStreamOperatorTestHarness<String, Event, SaleItem> harness;
  private int nextId;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new CheckoutCartJoin("test-job", Duration.ofHours(24), Duration.ofHours(24)),
            Event::cartId,
            Types.STRING);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  private static long at(String utc) {
    return Instant.parse(utc).toEpochMilli();
  }

  private String id() {
    return String.format("00000000-0000-4000-8000-%012d", ++nextId);
  }

  private Event add(String cart, String time, String item) throws Exception {
    Event e = Event.addedToCart(id(), at(time), 3, cart, item);
    harness.processElement(e, e.eventTimeMs());
    return e;
  }

  private void checkout(String cart, String time) throws Exception {
    Event e = Event.checkout(id(), at(time), 3, cart);
    harness.processElement(e, e.eventTimeMs());
  }

  /** "item@checkout time/record timestamp" of every emitted unit, in emission order. */
  private Iterable<String> units() {
    return harness.extractOutputStreamRecords().stream()
        .map(
            r ->
                r.getValue().itemId()
                    + "@"
                    + Instant.ofEpochMilli(r.getValue().checkoutTimeMs())
                    + "/"
                    + Instant.ofEpochMilli(r.getTimestamp()))
        .toList();
  }

  @Test
  void joinsEachCheckoutWithTheAddsOfItsCartInTheLast24HoursWhicheverArrivesFirst()
      throws Exception {
    Event x = add(CART_A, "2026-11-20T10:00:00Z", "X");
    add(CART_A, "2026-11-20T10:05:00Z", "Y");
    checkout(CART_A, "2026-11-20T10:10:00Z");
    // Arrives after the checkout but happened before it: a unit of that checkout, at its time.
    add(CART_A, "2026-11-20T10:08:00Z", "Z");
    // After the checkout: not part of it.
    add(CART_A, "2026-11-20T10:12:00Z", "W");
    // A producer retry of the first add: dropped before the join.
    harness.processElement(x, x.eventTimeMs());
    // Cart B: an add exactly 24 h before its checkout counts, one millisecond earlier does not.
    add(CART_B, "2026-11-19T10:10:00Z", "EDGE");
    Event early = Event.addedToCart(id(), at("2026-11-19T10:10:00Z") - 1, 3, CART_B, "TOO-EARLY");
    harness.processElement(early, early.eventTimeMs());
    checkout(CART_B, "2026-11-20T10:10:00Z");

    assertThat(units())
        .containsExactly(
            "X@2026-11-20T10:10:00Z/2026-11-20T10:10:00Z",
            "Y@2026-11-20T10:10:00Z/2026-11-20T10:10:00Z",
            "Z@2026-11-20T10:10:00Z/2026-11-20T10:10:00Z",
            "EDGE@2026-11-20T10:10:00Z/2026-11-20T10:10:00Z");
    assertThat(harness.extractOutputValues().get(0))
        .isEqualTo(new SaleItem("X", CART_A, at("2026-11-20T10:10:00Z"), x.eventId()));
    assertThat(harness.numKeyedStateEntries()).as("one value per cart").isEqualTo(2);
    assertThat(harness.numEventTimeTimers()).as("one cleanup timer per cart").isEqualTo(2);
  }

  @Test
  void sendsALateEventAwayWithoutStateAndForgetsACartAfterTheRetention() throws Exception {
    add(CART_A, "2026-11-20T10:00:00Z", "X");
    harness.processWatermark(at("2026-11-20T10:30:00Z"));
    // Behind the watermark: neither joined nor remembered.
    checkout(CART_A, "2026-11-20T10:20:00Z");
    add(CART_B, "2026-11-20T10:20:00Z", "Y");
    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.getSideOutput(DeduplicateAndFlagLate.LATE))
        .extracting(StreamRecord::getValue)
        .extracting(LateEvent::topic)
        .containsExactly("checkout_to_cart", "added_to_cart");
    assertThat(harness.numKeyedStateEntries()).as("cart B (late only) has none").isEqualTo(1);

    // A checkout 23 h later still joins the 10:00 add.
    checkout(CART_A, "2026-11-21T09:00:00Z");
    assertThat(units()).containsExactly("X@2026-11-21T09:00:00Z/2026-11-21T09:00:00Z");
    // The add and its id are kept until 10:00 next day (24 h), the checkout until the watermark
    // passes it: at 11:00 next day only the second checkout's id is left, until 09:00 the day
    // after (24 h, already a whole hour).
    harness.processWatermark(at("2026-11-21T11:00:00Z"));
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isEqualTo(1);
    harness.processWatermark(at("2026-11-22T09:00:00Z") - 1);
    assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    harness.processWatermark(at("2026-11-22T09:00:00Z"));
    assertThat(harness.numKeyedStateEntries()).isZero();
    assertThat(harness.numEventTimeTimers()).isZero();
  }
}
