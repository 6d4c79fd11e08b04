package io.cinestream.generator.sim;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The simulation's agenda: a binary min-heap of user agents ordered by (next action time, index),
 * the order {@link Simulation#next()} steps them in.
 *
 * <p>It replaces a {@code PriorityQueue} with a comparator for speed, not for a different order:
 * the key is total (agent indexes are unique), so every correct heap yields the same sequence. The
 * keys live in primitive arrays beside the agents, so a comparison reads no agent object, and the
 * usual step "take the earliest agent, let it act, put it back with its next time" is one sift down
 * from the root ({@link #requeueFirst()}) instead of a removal plus an insertion.
 *
 * <p>Not thread-safe.
 */
final class Agenda {

  private UserAgent[] agents;
  private long[] at;
  private int[] index;
  private int size;

  /**
   * @param capacity expected number of agents; the heap grows beyond it if needed
   */
  Agenda(int capacity) {
    int c = Math.max(1, capacity);
    agents = new UserAgent[c];
    at = new long[c];
    index = new int[c];
  }

  /** Agents in the agenda. */
  int size() {
    return size;
  }

  /** The agent with the smallest (nextAt, index), or null when the agenda is empty. */
  UserAgent first() {
    return size == 0 ? null : agents[0];
  }

  /** Adds an agent under its current {@code nextAt}. */
  void add(UserAgent agent) {
    if (size == agents.length) {
      int c = size * 2;
      agents = Arrays.copyOf(agents, c);
      at = Arrays.copyOf(at, c);
      index = Arrays.copyOf(index, c);
    }
    int i = size++;
    long t = agent.nextAt;
    int x = agent.index;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(t, x, at[parent], index[parent])) {
        break;
      }
      put(i, agents[parent], at[parent], index[parent]);
      i = parent;
    }
    put(i, agent, t, x);
  }

  /** Re-files the first agent after its {@code nextAt} moved forward. */
  void requeueFirst() {
    UserAgent a = agents[0];
    siftDownFromRoot(a, a.nextAt, a.index);
  }

  /** Removes the first agent. */
  void removeFirst() {
    int last = --size;
    UserAgent a = agents[last];
    long t = at[last];
    int x = index[last];
    agents[last] = null;
    if (last > 0) {
      siftDownFromRoot(a, t, x);
    }
  }

  /** Calls {@code action} on every agent, in no particular order. */
  void forEach(Consumer<UserAgent> action) {
    for (int i = 0; i < size; i++) {
      action.accept(agents[i]);
    }
  }

  /** Removes every agent. */
  void clear() {
    Arrays.fill(agents, 0, size, null);
    size = 0;
  }

  private void siftDownFromRoot(UserAgent a, long t, int x) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && less(at[right], index[right], at[child], index[child])) {
        child = right;
      }
      if (!less(at[child], index[child], t, x)) {
        break;
      }
      put(i, agents[child], at[child], index[child]);
      i = child;
    }
    put(i, a, t, x);
  }

  private void put(int i, UserAgent a, long t, int x) {
    agents[i] = a;
    at[i] = t;
    index[i] = x;
  }

  private static boolean less(long t1, int x1, long t2, int x2) {
    return t1 < t2 || (t1 == t2 && x1 < x2);
  }
}
