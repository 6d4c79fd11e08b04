package io.cinestream.generator;

import io.cinestream.generator.event.SimEvent;
import io.cinestream.generator.sim.RandomStreams;
import io.cinestream.generator.sim.Simulation;
import io.cinestream.generator.sink.EventSink;
import io.cinestream.schemas.Topic;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Runs a {@link Simulation} into an {@link EventSink}, applying the delivery knobs: out-of-order
 * sending, duplicates and malformed records.
 *
 * <p><b>Out-of-order bound.</b> An event of time {@code t} is given a send delay {@code d} (0, or
 * for a share {@value #DELAYED_SHARE} of events uniform in (0, maxDelay]) and waits in a buffer
 * until the simulation has produced an event of time {@code >= t + d}; the buffer releases in order
 * of {@code t + d}. So every record sent before an event of time {@code t} has an event time of at
 * most {@code t + maxDelay}: a consumer never sees event time go back by more than {@code
 * --max-delay}, and a watermark of "max seen minus max-delay" drops nothing. Only the send order
 * changes; event times never do.
 *
 * <p><b>Duplicates</b> are the same event sent again (identical key and value bytes, same
 * event_id), with their own delay. <b>Malformed</b> records follow the event they were made from,
 * on its topic and key, and are counted apart. Each knob draws from its own random stream, so the
 * distinct events of a run do not depend on them.
 *
 * <p><b>Threads.</b> The caller's thread runs the simulation and the out-of-order buffer, encodes
 * the records it releases ({@link EventSink#encode}), counts them and makes the malformed
 * companions; the encoded records go, in release order, through a {@link HandOff} of {@value
 * #HAND_OFF_CAPACITY} records to a second thread that only hands them to the sink ({@link
 * EventSink#sendEncoded}, {@link EventSink#sendRaw}: for Kafka, {@code KafkaProducer.send}). The
 * two halves cost about the same per record (profiled: simulation + Avro encoding vs the producer's
 * send), so they overlap instead of adding up. Every random draw stays on the caller's thread and
 * one thread sends, in release order, so the records and their order (per key and overall) are
 * exactly those of a single-threaded run: the same seed gives the same bytes. The sink is flushed
 * from the caller's thread after the hand-off has drained.
 */
public final class Generator {

  /** Share of events that get a non-zero send delay when {@code maxDelayMs > 0}. */
  public static final double DELAYED_SHARE = 0.2;

  /** Events between the simulating and the delivering thread, at most. */
  public static final int HAND_OFF_CAPACITY = 8192;

  /** How many events pass between two progress updates. */
  public static final int PROGRESS_EVERY = 4096;

  private record Pending(SimEvent event, long releaseAt, long seq, boolean duplicate) {}

  /** A record for the sending thread: an encoded event, or raw bytes when event is null. */
  private record Outgoing(SimEvent event, Topic topic, String key, byte[] value) {}

  private final EventSink sink;
  private final DeliveryOptions options;
  private final SplittableRandom delays;
  private final SplittableRandom duplicates;
  private final SplittableRandom malformed;
  private final PriorityQueue<Pending> buffer =
      new PriorityQueue<>(
          (a, b) ->
              a.releaseAt != b.releaseAt
                  ? Long.compare(a.releaseAt, b.releaseAt)
                  : Long.compare(a.seq, b.seq));
  private final Summary summary = new Summary();
  private long seq;
  private volatile boolean stopRequested;

  /**
   * @param sink where records go; not closed by the generator
   * @param options delivery knobs
   * @param streams the run's random streams (the delivery ones are used here)
   */
  public Generator(EventSink sink, DeliveryOptions options, RandomStreams streams) {
    this.sink = sink;
    this.options = options;
    this.delays = streams.delays;
    this.duplicates = streams.duplicates;
    this.malformed = streams.malformed;
  }

  /**
   * Asks a running {@link #run} to stop after the current event and flush; safe from any thread
   * (the CLI's shutdown hook).
   */
  public void requestStop() {
    stopRequested = true;
  }

  /**
   * Generates until the simulation ends, {@code maxEvents} events were generated, or a stop is
   * requested; then sends what is buffered and flushes the sink.
   *
   * @param simulation the event source
   * @param progress told every {@link #PROGRESS_EVERY} events
   * @return the counts of what was sent, timed from the first send to the end of the flush
   * @throws InterruptedException when the real-time clock is interrupted
   * @throws io.cinestream.schemas.serde.RegistryException when a schema cannot be registered
   * @throws RuntimeException any other exception of the sink's {@code sendEncoded} or {@code
   *     sendRaw}, rethrown on the caller's thread
   */
  public Summary run(Simulation simulation, ProgressListener progress) throws InterruptedException {
    long started = System.nanoTime();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long callerCpuAtStart = threads.getCurrentThreadCpuTime();
    long generated = 0;
    HandOff<Outgoing> delivery =
        new HandOff<>(HAND_OFF_CAPACITY, this::send, "cinestream-generator-send");
    try (delivery) {
      while (generated < options.maxEvents() && !stopRequested) {
        SimEvent e = simulation.next();
        if (e == null) {
          break;
        }
        generated++;
        long t = e.timestampMs();
        // What the buffer holds was enqueued earlier, so it goes before this event's records at
        // the same release time; a record without delay then leaves at once, as it would have
        // left the buffer: next in (release time, sequence) order.
        releaseUpTo(t, delivery);
        offer(e, t, delay(), false, delivery);
        if (options.duplicateRate() > 0 && duplicates.nextDouble() < options.duplicateRate()) {
          offer(e, t, delay(), true, delivery);
        }
        if (generated % PROGRESS_EVERY == 0) {
          progress.update(generated, simulation.scheduledNow());
        }
      }
      releaseUpTo(Long.MAX_VALUE, delivery);
      // After the drain every record has been handed to the sink.
      delivery.drain();
    }
    sink.flush();
    summary.finish(System.nanoTime() - started, sink.failures(), simulation.stats());
    summary.cpu(
        CpuSplit.measure(
            threads.getCurrentThreadCpuTime() - callerCpuAtStart, delivery.consumerCpuNanos()));
    progress.update(generated, simulation.scheduledNow());
    return summary;
  }

  private long delay() {
    long max = options.maxDelayMs();
    if (max == 0 || delays.nextDouble() >= DELAYED_SHARE) {
      return 0;
    }
    return 1 + delays.nextLong(max);
  }

  /** Sends a record now when its delay is 0 (the buffer is released up to t), else buffers it. */
  private void offer(
      SimEvent e, long t, long delay, boolean duplicate, HandOff<Outgoing> delivery) {
    if (delay == 0) {
      deliver(e, duplicate, delivery);
    } else {
      buffer.add(new Pending(e, t + delay, seq++, duplicate));
    }
  }

  private void releaseUpTo(long watermark, HandOff<Outgoing> delivery) {
    Pending p;
    while ((p = buffer.peek()) != null && p.releaseAt <= watermark) {
      buffer.poll();
      deliver(p.event, p.duplicate, delivery);
    }
  }

  /** Encodes one record, counts it, maybe makes a malformed companion; queues both for sending. */
  private void deliver(SimEvent e, boolean duplicate, HandOff<Outgoing> delivery) {
    Topic topic = e.topic();
    String key = e.key();
    // Decimal digits are ASCII: one byte per char, without encoding the key a second time.
    int keyBytes = key.length();
    byte[] value = sink.encode(e);
    delivery.put(new Outgoing(e, topic, key, value));
    summary.countEvent(topic, duplicate, keyBytes + value.length);
    if (!duplicate
        && options.malformedRate() > 0
        && malformed.nextDouble() < options.malformedRate()) {
      byte[] bad = MalformedRecords.corrupt(value, malformed).bytes();
      delivery.put(new Outgoing(null, topic, key, bad));
      summary.countMalformed(topic, keyBytes + bad.length);
    }
  }

  /** On the hand-off's thread: passes one record to the sink. */
  private void send(Outgoing o) {
    if (o.event != null) {
      sink.sendEncoded(o.event, o.value);
    } else {
      sink.sendRaw(o.topic, o.key, o.value);
    }
  }
}
