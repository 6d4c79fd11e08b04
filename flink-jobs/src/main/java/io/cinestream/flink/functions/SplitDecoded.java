package io.cinestream.flink.functions;

import io.cinestream.flink.model.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Separates decoded records from undecodable ones right after the source: {@code Right(value)} goes
 * to the main output, {@code Left(DeadLetter)} to the {@link #DEAD_LETTERS} side output, is logged
 * at WARN with its coordinates and counted in the {@code undecodableRecords} metric, so no record
 * is dropped silently (docs/architecture.md#topics-and-schemas).
 *
 * @param <T> the decoded value type
 */
public class SplitDecoded<T> extends ProcessFunction<Either<DeadLetter, T>, T>
    implements ResultTypeQueryable<T> {

  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SplitDecoded.class);

  /** Records that could not be decoded, with coordinates, raw bytes and reason. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private final TypeInformation<T> valueType;
  private transient Counter undecodable;

  /**
   * @param valueType the type of the decoded values (the main output)
   */
  public SplitDecoded(TypeInformation<T> valueType) {
    this.valueType = valueType;
  }

  @Override
  public void open(OpenContext openContext) {
    undecodable = getRuntimeContext().getMetricGroup().counter("undecodableRecords");
  }

  @Override
  public void processElement(Either<DeadLetter, T> record, Context ctx, Collector<T> out) {
    if (record.isRight()) {
      out.collect(record.right());
      return;
    }
    DeadLetter bad = record.left();
    undecodable.inc();
    LOG.warn(
        "Undecodable record {}/{}@{} routed to dead letters: {}",
        bad.topic(),
        bad.partition(),
        bad.offset(),
        bad.error());
    ctx.output(DEAD_LETTERS, bad);
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return valueType;
  }
}
