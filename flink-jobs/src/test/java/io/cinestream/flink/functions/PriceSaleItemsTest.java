package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.CatalogPrice;
import io.cinestream.flink.model.PricedSale;
import io.cinestream.flink.model.SaleItem;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PriceSaleItemsTest {

  private KeyedTwoInputStreamOperatorTestHarness<String, SaleItem, CatalogPrice, PricedSale>
      harness;

  @BeforeEach
  void setUp() throws Exception {
    harness =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new PriceSaleItems(), SaleItem::itemId, CatalogPrice::itemId, Types.STRING);
  }

  @AfterEach
  void tearDown() throws Exception {
    harness.close();
  }

  @Test
  void pricesUnitsWithThePriceKnownWhenTheWatermarkPassesTheCheckout() throws Exception {
    harness.processElement1(new SaleItem("m1", "c1", 1000, "a1"), 1000);
    harness.processElement1(new SaleItem("m1", "c1", 1000, "a2"), 1000);
    harness.processElement2(new CatalogPrice("m1", 1999L), 0); // price arrives after the items
    harness.processWatermark1(new Watermark(1000));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));

    assertThat(harness.extractOutputValues()).containsExactly(new PricedSale("m1", 1000, 2, 3998));
    assertThat(harness.numKeyedStateEntries()).as("only the price is kept").isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void pricesEveryInstantTheWatermarkPassedInOneFiringEachAtItsOwnTimestamp() throws Exception {
    harness.processElement2(new CatalogPrice("m1", 500L), 0);
    harness.processElement1(new SaleItem("m1", "c1", 2000, "a1"), 2000);
    harness.processElement1(new SaleItem("m1", "c2", 3000, "a2"), 3000);
    harness.processElement1(new SaleItem("m1", "c2", 3000, "a3"), 3000);
    harness.processElement1(new SaleItem("m1", "c3", 9000, "a4"), 9000);
    assertThat(harness.numEventTimeTimers()).as("only the earliest instant's").isEqualTo(1);
    // Out of order: an earlier instant than every waiting one adds a timer.
    harness.processElement1(new SaleItem("m1", "c4", 1000, "a5"), 1000);
    assertThat(harness.numEventTimeTimers()).isEqualTo(2);
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));
    harness.processWatermark1(new Watermark(5000));

    assertThat(harness.extractOutputStreamRecords())
        .extracting(r -> r.getValue() + "@" + r.getTimestamp())
        .containsExactlyInAnyOrder(
            new PricedSale("m1", 1000, 1, 500) + "@1000",
            new PricedSale("m1", 2000, 1, 500) + "@2000",
            new PricedSale("m1", 3000, 2, 1000) + "@3000");
    assertThat(harness.numEventTimeTimers()).as("re-armed at 9000").isEqualTo(1);
    harness.processWatermark1(new Watermark(9000));
    assertThat(harness.extractOutputValues())
        .hasSize(4)
        .contains(new PricedSale("m1", 9000, 1, 500));
    assertThat(harness.numKeyedStateEntries()).as("only the price is kept").isEqualTo(1);
    assertThat(harness.numEventTimeTimers()).isZero();
  }

  @Test
  void sendsUnitsOfAnUnpricedProductToTheSideOutput() throws Exception {
    harness.processElement2(new CatalogPrice("m2", null), 0);
    harness.processElement1(new SaleItem("m2", "c1", 5000, "a1"), 5000);
    harness.processWatermark1(new Watermark(Long.MAX_VALUE));
    harness.processWatermark2(new Watermark(Long.MAX_VALUE));

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(harness.getSideOutput(PriceSaleItems.UNPRICED))
        .extracting(StreamRecord::getValue)
        .containsExactly(new PricedSale("m2", 5000, 1, 0));
    assertThat(harness.numKeyedStateEntries()).isZero();
  }
}
