package io.cinestream.verify.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cinestream.verify.report.ReportData.Timing;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimingsFileTest {

  @Test
  void readsStepsInOrderSkippingBlankLinesAndKeepingRepeatedSteps() {
    List<Timing> timings =
        TimingsFile.parse("t", List.of("up\t3", "", "flink run MovieSalesJob\t41.25", "up\t0"));

    assertThat(timings)
        .containsExactly(
            new Timing("up", 3.0),
            new Timing("flink run MovieSalesJob", 41.25),
            new Timing("up", 0));
  }

  @Test
  void namesTheLineAndTheReasonOfAMalformedLine() {
    assertThatThrownBy(() -> TimingsFile.parse("t.tsv", List.of("up\t1", "load 5")))
        .hasMessage("t.tsv line 2 'load 5': expected name<TAB>seconds");
    assertThatThrownBy(() -> TimingsFile.parse("t.tsv", List.of("\t5")))
        .hasMessage("t.tsv line 1 '\t5': empty step name");
    assertThatThrownBy(() -> TimingsFile.parse("t.tsv", List.of("up\t-1")))
        .hasMessage("t.tsv line 1 'up\t-1': seconds must be a finite number >= 0");
    assertThatThrownBy(() -> TimingsFile.parse("t.tsv", List.of("up\tNaN")))
        .hasMessage("t.tsv line 1 'up\tNaN': seconds must be a finite number >= 0");
  }

  @Test
  void escapesMarkupInHtmlText() {
    assertThat(HtmlReport.esc("<img src=x onerror=\"a('b')\"> & co"))
        .isEqualTo("&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt; &amp; co");
    assertThat(HtmlReport.esc(null)).isEmpty();
  }
}
