package io.cinestream.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.schemas.Topic;
import org.junit.jupiter.api.Test;

class SummaryTest {

  @Test
  void rendersCountsTotalsAndRatesComputedByHand() {
    Summary s = new Summary();
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, false, 60);
    s.countEvent(Topic.SIGN_IN, true, 60);
    s.countMalformed(Topic.ITEM_VIEW, 20);
    // 4 records, 200 bytes, in 2 s.
    s.finish(2_000_000_000L, 0, null);

    assertThat(s.toMarkdown())
        .isEqualTo(
            """
            | topic | events | duplicates | malformed | records | bytes |
            |---|---:|---:|---:|---:|---:|
            | consumer_registration | 0 | 0 | 0 | 0 | 0 |
            | sign_in | 2 | 1 | 0 | 3 | 180 |
            | sign_out | 0 | 0 | 0 | 0 | 0 |
            | item_view | 0 | 0 | 1 | 1 | 20 |
            | added_to_cart | 0 | 0 | 0 | 0 | 0 |
            | checkout_to_cart | 0 | 0 | 0 | 0 | 0 |
            | item_rating | 0 | 0 | 0 | 0 | 0 |
            | **total** | 2 | 1 | 1 | 4 | 200 |

            4 records in 2.000 s: 2 records/s, 0.00 MiB/s, 50.0 bytes/record (key + value), 0 failed
            """);
  }
}
