package io.cinestream.devstack.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The compatibility modes of the Confluent Schema Registry, checked with Avro's own {@link
 * SchemaCompatibility}.
 *
 * <ul>
 *   <li>BACKWARD: the new schema can read data written with the previous schema (consumers upgrade
 *       first). FORWARD: the previous schema can read data written with the new one. FULL: both.
 *   <li>The {@code _TRANSITIVE} variants check against every live version of the subject, the
 *       others only against the latest one, as Confluent does.
 *   <li>NONE: no check.
 * </ul>
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /**
   * Parses a level name case-insensitively, as Confluent does ({@code "backward"} is fine).
   *
   * @param name the level from a request, may be null
   * @return the level
   * @throws RegistryRestException 42203 when the name is missing or not one of the seven levels
   */
  public static CompatibilityLevel parse(String name) {
    if (name != null) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // fall through to the Confluent error
      }
    }
    throw RegistryRestException.invalidCompatibilityLevel(name);
  }

  /** True when every live version is checked, not only the latest one. */
  public boolean isTransitive() {
    return transitive;
  }

  /**
   * Checks a candidate schema against the existing versions of a subject under this level.
   *
   * @param candidate the schema being registered or tested
   * @param existing the live versions of the subject, oldest first (may be empty)
   * @return one message per incompatibility; empty when compatible
   */
  public List<String> check(Schema candidate, List<SchemaStore.Version> existing) {
    if (this == NONE || existing.isEmpty()) {
      return List.of();
    }
    List<SchemaStore.Version> against =
        transitive ? existing : List.of(existing.get(existing.size() - 1));
    List<String> problems = new ArrayList<>();
    for (SchemaStore.Version previous : against) {
      Schema old = previous.parsedSchema();
      if (backward) {
        problems.addAll(
            describe(
                SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
                "the new schema cannot read data written with version " + previous.version()));
      }
      if (forward) {
        problems.addAll(
            describe(
                SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
                "version " + previous.version() + " cannot read data written with the new schema"));
      }
    }
    return problems;
  }

  private static List<String> describe(SchemaPairCompatibility result, String direction) {
    List<String> out = new ArrayList<>();
    for (Incompatibility i : result.getResult().getIncompatibilities()) {
      out.add(direction + ": " + i.getType() + " at '" + i.getLocation() + "': " + i.getMessage());
    }
    return out;
  }
}
