package io.cinestream.generator.sim;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The simulation's agenda: a 4-ary min-heap of user agents ordered by (next action time, index),
 * the order {@link Simulation#next()} steps them in.
 *
 * <p>It replaces a {@code PriorityQueue} with a comparator for speed, not for a different order:
 * the key is total (agent indexes are unique), so every correct heap yields the same sequence. Each
 * heap slot is one {@code long} that packs the key, {@code (nextAt - baseMs) << 20 | index}, so a
 * comparison is one primitive compare, the heap holds no references (no GC write barrier per move),
 * and the agent is found by its index in a plain array. Four children per node halve the depth of a
 * binary heap, and the four keys compared at each level are adjacent in memory: with hundreds of
 * thousands of users the heap outgrows the CPU caches, and the misses per level, not the compares,
 * set the cost (D. B. Johnson, "Priority queues with update and finding minimum spanning trees",
 * Information Processing Letters 4(3), 1975, for d-ary heaps; A. LaMarca and R. E. Ladner, "The
 * influence of caches on the performance of heaps", ACM JEA 1, 1996, for the cache argument). The
 * usual step "take the earliest agent, let it act, put it back with its next time" is one sift down
 * from the root ({@link #requeueFirst()}) instead of a removal plus an insertion.
 *
 * <p>Not thread-safe.
 */
final class Agenda {

  /** Bits of a packed key that hold the agent index. */
  static final int INDEX_BITS = 20;

  /** Largest agent index a key can hold: 1,048,575, above the 1,000,000 users of a run. */
  static final int MAX_INDEX = (1 << INDEX_BITS) - 1;

  /** Largest {@code nextAt - baseMs} a key can hold, ms (about 278 years). */
  static final long MAX_OFFSET_MS = Long.MAX_VALUE >>> INDEX_BITS;

  private final long baseMs;
  private UserAgent[] byIndex;
  private long[] heap;
  private int size;

  /**
   * @param capacity expected number of agents; both arrays grow beyond it if needed
   * @param baseMs the earliest action time an agent may have, UTC ms (the simulation's start)
   */
  Agenda(int capacity, long baseMs) {
    int c = Math.max(1, capacity);
    this.baseMs = baseMs;
    byIndex = new UserAgent[c];
    heap = new long[c];
  }

  /** Agents in the agenda. */
  int size() {
    return size;
  }

  /** The agent with the smallest (nextAt, index), or null when the agenda is empty. */
  UserAgent first() {
    return size == 0 ? null : byIndex[(int) (heap[0] & MAX_INDEX)];
  }

  /**
   * Adds an agent under its current {@code nextAt}.
   *
   * @throws IllegalArgumentException when the agent's index is outside 0..{@value #MAX_INDEX} or
   *     its {@code nextAt} is before the base or more than {@link #MAX_OFFSET_MS} after it
   */
  void add(UserAgent agent) {
    if (agent.index < 0 || agent.index > MAX_INDEX) {
      throw new IllegalArgumentException("agent index " + agent.index + " outside 0.." + MAX_INDEX);
    }
    long key = key(agent);
    if (agent.index >= byIndex.length) {
      byIndex = Arrays.copyOf(byIndex, Math.max(agent.index + 1, byIndex.length * 2));
    }
    byIndex[agent.index] = agent;
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size * 2);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 2;
      long p = heap[parent];
      if (p <= key) {
        break;
      }
      heap[i] = p;
      i = parent;
    }
    heap[i] = key;
  }

  /**
   * Re-files the first agent after its {@code nextAt} moved forward.
   *
   * @throws IllegalArgumentException when the new {@code nextAt} is out of the key's range
   */
  void requeueFirst() {
    siftDownFromRoot(key(first()));
  }

  /** Removes the first agent. */
  void removeFirst() {
    byIndex[(int) (heap[0] & MAX_INDEX)] = null;
    int last = --size;
    if (last > 0) {
      siftDownFromRoot(heap[last]);
    }
  }

  /** Calls {@code action} on every agent, in no particular order. */
  void forEach(Consumer<UserAgent> action) {
    for (int i = 0; i < size; i++) {
      action.accept(byIndex[(int) (heap[i] & MAX_INDEX)]);
    }
  }

  /** Removes every agent. */
  void clear() {
    for (int i = 0; i < size; i++) {
      byIndex[(int) (heap[i] & MAX_INDEX)] = null;
    }
    size = 0;
  }

  private long key(UserAgent agent) {
    long offset = agent.nextAt - baseMs;
    if (offset < 0 || offset > MAX_OFFSET_MS) {
      throw new IllegalArgumentException(
          "agent " + agent.index + ": nextAt " + agent.nextAt + " outside the agenda's range");
    }
    return offset << INDEX_BITS | agent.index;
  }

  private void siftDownFromRoot(long key) {
    long[] h = heap;
    int n = size;
    int i = 0;
    while (true) {
      int first = 4 * i + 1;
      if (first >= n) {
        break;
      }
      int child = first;
      long min = h[first];
      int end = Math.min(first + 4, n);
      for (int c = first + 1; c < end; c++) {
        long k = h[c];
        if (k < min) {
          min = k;
          child = c;
        }
      }
      if (min >= key) {
        break;
      }
      h[i] = min;
      i = child;
    }
    h[i] = key;
  }
}
