package io.cinestream.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.cinestream.flink.model.DeadLetter;
import io.cinestream.flink.model.Event;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

class SplitDecodedTest {

  @Test
  void routesUndecodableRecordsToTheDeadLetterSideOutput() throws Exception {
    try (OneInputStreamOperatorTestHarness<Either<DeadLetter, Event>, Event> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new SplitDecoded<>(TypeInformation.of(Event.class)))) {
      Event good = Event.signIn("00000000-0000-4000-8000-000000000001", 1000, 1);
      DeadLetter bad = new DeadLetter("sign_in", 0, 3, "1", "AA==", "TRUNCATED");
      harness.processElement(Either.Right(good), 1000);
      harness.processElement(Either.Left(bad), Long.MIN_VALUE);

      assertThat(harness.extractOutputValues()).containsExactly(good);
      assertThat(harness.getSideOutput(SplitDecoded.DEAD_LETTERS))
          .extracting(StreamRecord::getValue)
          .containsExactly(bad);
    }
  }
}
