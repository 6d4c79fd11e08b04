package io.cinestream.generator;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jctools.queues.varhandle.SpscVarHandleArrayQueue;

/**
 * Passes items from one producing thread to one consumer thread of its own, in order, through a
 * bounded queue: the {@link Generator} simulates on its thread while a second one encodes and
 * sends, so the two costs overlap instead of adding up.
 *
 * <p>The queue is JCTools' lock-free single-producer/single-consumer array queue ({@code
 * SpscVarHandleArrayQueue}, the VarHandle build, no {@code sun.misc.Unsafe}); this class adds the
 * consumer thread, back-pressure, wake-ups, {@link #drain} and failure reporting. A full queue
 * makes {@link #put} wait (back-pressure, so memory stays bounded at {@code capacity} items). An
 * idle consumer parks for at most {@value #IDLE_PARK_MICROS} µs at a time and the producer wakes it
 * after every {@value #WAKE_EVERY} items, so a dense stream costs one wake-up per that many items
 * while a sparse one (the real-time clock) waits at most {@value #IDLE_PARK_MICROS} µs in the
 * queue.
 *
 * <p>Items reach the consumer exactly in {@code put} order, and everything the consumer did for an
 * item happens-before {@link #drain} returns (the consumer publishes how many items it has finished
 * with a release store after each batch of at most {@value #BATCH} items, {@code drain} reads it
 * with an acquire load). If the consumer throws, the hand-off stops taking items and the next
 * {@link #put} or {@link #drain} on the producing thread throws that same exception when it is
 * unchecked, or an {@link IllegalStateException} with it as the cause otherwise; items still in the
 * queue are then dropped.
 *
 * @param <T> the item type
 */
final class HandOff<T> implements AutoCloseable {

  /** Items passed before the producer wakes a parked consumer. */
  static final int WAKE_EVERY = 256;

  /** Longest wait of an idle consumer between two looks at the queue, µs. */
  static final long IDLE_PARK_MICROS = 1_000;

  /** Most items the consumer takes before it publishes its progress to {@link #drain}. */
  static final int BATCH = 256;

  private final SpscVarHandleArrayQueue<T> queue;
  private final AtomicLong finished = new AtomicLong();
  private final Consumer<? super T> consumer;
  private final Thread thread;
  private volatile boolean consumerParked;
  private volatile boolean closing;
  private volatile Throwable failure;
  private volatile long consumerCpuNanos = -1;
  // Producer-side: items put so far (the producer is the only writer).
  private long put;
  private int sinceWake;

  /**
   * Starts the consumer thread.
   *
   * @param capacity queue slots, a power of two, at least 2 (JCTools makes it at least 4)
   * @param consumer called with every item, in order, on the hand-off's own thread
   * @param threadName the name of that thread (a daemon)
   * @throws IllegalArgumentException when capacity is not a power of two of at least 2
   */
  HandOff(int capacity, Consumer<? super T> consumer, String threadName) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
    }
    this.queue = new SpscVarHandleArrayQueue<>(capacity);
    this.consumer = consumer;
    this.thread = new Thread(this::consume, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Appends an item; waits while the queue is full.
   *
   * @param item not null
   * @throws RuntimeException the consumer's exception, when it has failed
   * @throws IllegalStateException when the hand-off is closed
   */
  void put(T item) {
    checkUsable();
    while (!queue.offer(item)) {
      LockSupport.unpark(thread);
      LockSupport.parkNanos(this, 20_000);
      checkUsable();
    }
    put++;
    if (++sinceWake >= WAKE_EVERY) {
      sinceWake = 0;
      if (consumerParked) {
        LockSupport.unpark(thread);
      }
    }
  }

  /**
   * Waits until the consumer has taken every item put so far and returned from its call.
   *
   * @throws RuntimeException the consumer's exception, when it has failed
   * @throws IllegalStateException when the hand-off is closed
   */
  void drain() {
    checkUsable();
    while (finished.getAcquire() != put) {
      LockSupport.unpark(thread);
      LockSupport.parkNanos(this, 20_000);
      checkUsable();
    }
  }

  /**
   * Lets the consumer take the items already put (unless it has failed), then stops its thread and
   * waits for it to end. Does not rethrow the consumer's exception ({@link #drain} does), so that
   * it can close a try-with-resources block that the same exception is leaving.
   */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void checkUsable() {
    Throwable f = failure;
    if (f instanceof RuntimeException e) {
      throw e;
    }
    if (f instanceof Error e) {
      throw e;
    }
    if (f != null) {
      throw new IllegalStateException("the " + thread.getName() + " thread failed: " + f, f);
    }
    if (closing) {
      throw new IllegalStateException(thread.getName() + " is closed");
    }
  }

  private void consume() {
    long done = 0;
    try {
      while (true) {
        int taken = queue.drain(consumer::accept, BATCH);
        if (taken > 0) {
          done += taken;
          finished.setRelease(done);
          continue;
        }
        if (closing) {
          // closing is set after the last put: look at the queue again, after it, before stopping.
          if (queue.isEmpty()) {
            return;
          }
          continue;
        }
        consumerParked = true;
        if (queue.isEmpty() && !closing) {
          LockSupport.parkNanos(this, IDLE_PARK_MICROS * 1_000);
        }
        consumerParked = false;
      }
    } catch (Throwable t) {
      failure = t;
    } finally {
      consumerCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
  }

  /**
   * CPU time of the consuming thread, user + system, ns: known once the thread has ended ({@link
   * #close()} returned); -1 before, or when the JVM does not measure thread CPU time.
   */
  long consumerCpuNanos() {
    return consumerCpuNanos;
  }
}
