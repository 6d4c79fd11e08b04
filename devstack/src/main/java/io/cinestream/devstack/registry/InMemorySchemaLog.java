package io.cinestream.devstack.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link SchemaLog} kept in a list, for unit tests. Closing it keeps the records, so a new server
 * on the same instance behaves like a registry restarted on the same topic.
 */
public final class InMemorySchemaLog implements SchemaLog {

  private final List<Entry> entries = new ArrayList<>();

  @Override
  public synchronized List<Entry> readAll() {
    return List.copyOf(entries);
  }

  @Override
  public synchronized void append(Entry entry) {
    entries.add(entry);
  }

  /** The number of records appended so far (tombstones included). */
  public synchronized int size() {
    return entries.size();
  }

  @Override
  public void close() {
    // Nothing to release: the records must outlive the server for restart tests.
  }
}
