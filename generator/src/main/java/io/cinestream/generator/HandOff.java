package io.cinestream.generator;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Passes items from one producing thread to one consumer thread of its own, in order, through a
 * bounded ring buffer: the {@link Generator} simulates on its thread while a second one encodes and
 * sends, so the two costs overlap instead of adding up.
 *
 * <p>Single producer, single consumer, no locks: the producer publishes an item with a release
 * store of its tail index, the consumer frees a slot with a release store of its head index. A full
 * ring makes {@link #put} wait (back-pressure, so memory stays bounded at {@code capacity} items).
 * An idle consumer parks for at most {@value #IDLE_PARK_MICROS} µs at a time and the producer wakes
 * it after every {@value #WAKE_EVERY} items, so a dense stream costs one wake-up per that many
 * items while a sparse one (the real-time clock) waits at most {@value #IDLE_PARK_MICROS} µs in the
 * ring.
 *
 * <p>Items reach the consumer exactly in {@code put} order, and everything the consumer did for an
 * item happens-before {@link #drain} returns. If the consumer throws, the hand-off stops taking
 * items and the next {@link #put} or {@link #drain} on the producing thread throws that same
 * exception when it is unchecked, or an {@link IllegalStateException} with it as the cause
 * otherwise; items still in the ring are then dropped.
 *
 * @param <T> the item type
 */
final class HandOff<T> implements AutoCloseable {

  /** Items passed before the producer wakes a parked consumer. */
  static final int WAKE_EVERY = 256;

  /** Longest wait of an idle consumer between two looks at the ring, µs. */
  static final long IDLE_PARK_MICROS = 1_000;

  // Head (next slot to consume) and tail (next slot to fill), 16 longs = 128 bytes apart so that
  // the two threads do not write to one cache line.
  private static final int HEAD = 16;
  private static final int TAIL = 32;

  private final Object[] ring;
  private final int mask;
  private final AtomicLongArray indexes = new AtomicLongArray(48);
  private final Consumer<? super T> consumer;
  private final Thread thread;
  private volatile boolean consumerParked;
  private volatile boolean closing;
  private volatile Throwable failure;
  private volatile long consumerCpuNanos = -1;
  // Producer-side copies: the producer is the only writer of the tail.
  private long tail;
  private long knownHead;
  private int sinceWake;

  /**
   * Starts the consumer thread.
   *
   * @param capacity ring slots, a power of two, at least 2
   * @param consumer called with every item, in order, on the hand-off's own thread
   * @param threadName the name of that thread (a daemon)
   * @throws IllegalArgumentException when capacity is not a power of two of at least 2
   */
  HandOff(int capacity, Consumer<? super T> consumer, String threadName) {
    if (capacity < 2 || Integer.bitCount(capacity) != 1) {
      throw new IllegalArgumentException("capacity must be a power of two >= 2, got " + capacity);
    }
    this.ring = new Object[capacity];
    this.mask = capacity - 1;
    this.consumer = consumer;
    this.thread = new Thread(this::consume, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Appends an item; waits while the ring is full.
   *
   * @param item not null
   * @throws RuntimeException the consumer's exception, when it has failed
   * @throws IllegalStateException when the hand-off is closed
   */
  void put(T item) {
    checkUsable();
    while (tail - knownHead >= ring.length) {
      knownHead = indexes.getAcquire(HEAD);
      if (tail - knownHead >= ring.length) {
        LockSupport.unpark(thread);
        LockSupport.parkNanos(this, 20_000);
        checkUsable();
      }
    }
    ring[(int) tail & mask] = item;
    indexes.setRelease(TAIL, ++tail);
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
    while (indexes.getAcquire(HEAD) != tail) {
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

  @SuppressWarnings("unchecked")
  private void consume() {
    long head = indexes.get(HEAD);
    try {
      while (true) {
        long available = indexes.getAcquire(TAIL);
        if (available == head) {
          if (closing) {
            // closing is set after the last put: read the tail again, after it, before stopping.
            if (indexes.getAcquire(TAIL) == head) {
              return;
            }
            continue;
          }
          consumerParked = true;
          if (indexes.getAcquire(TAIL) == head && !closing) {
            LockSupport.parkNanos(this, IDLE_PARK_MICROS * 1_000);
          }
          consumerParked = false;
          continue;
        }
        while (head != available) {
          int slot = (int) head & mask;
          T item = (T) ring[slot];
          ring[slot] = null;
          consumer.accept(item);
          head++;
          if ((head & 63) == 0) {
            indexes.setRelease(HEAD, head);
          }
        }
        indexes.setRelease(HEAD, head);
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
