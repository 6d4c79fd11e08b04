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
