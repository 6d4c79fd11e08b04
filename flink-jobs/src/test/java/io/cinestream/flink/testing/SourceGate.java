package io.cinestream.flink.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiter;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;

/**
 * A rate limiter that lets a fixed number of records through and then makes the source wait
 * (without blocking its task thread, so checkpoints and savepoints still complete) until the test
 * opens it. JVM-global: one gated job at a time.
 */
public final class SourceGate implements RateLimiterStrategy<SourceSplit> {

  private static final long serialVersionUID = 1L;
  private static final AtomicLong PERMITS = new AtomicLong();
  private static volatile CompletableFuture<Void> gate = new CompletableFuture<>();
  private static volatile CountDownLatch paused = new CountDownLatch(1);

  /** Lets {@code permits} acquisitions through, then closes until {@link #open()}. */
  public static SourceGate closeAfter(long permits) {
    PERMITS.set(permits);
    gate = new CompletableFuture<>();
    paused = new CountDownLatch(1);
    return new SourceGate();
  }

  /** Waits until the source is held at the gate. */
  public static void awaitPaused() throws InterruptedException {
    paused.await();
  }

  /** Lets everything through from now on. */
  public static void open() {
    PERMITS.set(Long.MAX_VALUE / 2);
    gate.complete(null);
  }

  @Override
  public RateLimiter<SourceSplit> createRateLimiter(int parallelism) {
    return new RateLimiter<>() {
      @Override
      public CompletionStage<Void> acquire(int numberOfPermits) {
        if (PERMITS.getAndDecrement() > 0) {
          return CompletableFuture.completedFuture(null);
        }
        paused.countDown();
        return gate;
      }
    };
  }
}
