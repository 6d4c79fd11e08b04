package io.cinestream.generator;

import io.cinestream.generator.catalog.Catalogue;
import io.cinestream.generator.catalog.CatalogueLoader;
import io.cinestream.generator.clock.SimulatedClock;
import io.cinestream.generator.sim.Behaviour;
import io.cinestream.generator.sim.RandomStreams;
import io.cinestream.generator.sim.Simulation;
import io.cinestream.generator.sink.InMemoryEventSink;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;

/** Shared test inputs: the small catalogue and a one-call in-memory run. */
final class Fixtures {

  /** The CLI's default start: Monday 2026-01-05 00:00 UTC. */
  static final long START_MS = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  static final long DAY_MS = 86_400_000L;

  private Fixtures() {}

  static Path smallCatalogueFile() {
    try {
      return Path.of(Fixtures.class.getResource("/catalogue-small.tsv").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Catalogue smallCatalogue() {
    return CatalogueLoader.fromTsv(smallCatalogueFile());
  }

  /** A run's inputs and outputs. */
  record Run(InMemoryEventSink sink, Summary summary, Simulation simulation) {}

  /** Simulates {@code users} users over {@code windowMs} into memory. */
  static Run run(
      int users, long windowMs, long seed, Behaviour behaviour, DeliveryOptions delivery) {
    RandomStreams streams = new RandomStreams(seed);
    Simulation sim =
        new Simulation(
            smallCatalogue(), users, windowMs, new SimulatedClock(START_MS), behaviour, streams);
    InMemoryEventSink sink = new InMemoryEventSink();
    try {
      Summary summary = new Generator(sink, delivery, streams).run(sim, ProgressListener.NONE);
      return new Run(sink, summary, sim);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
