package io.cinestream.devstack.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's rules and in-memory state, rebuilt from a {@link SchemaLog} on {@link #open} and
 * kept in step with it: every change is appended to the log first and applied to memory only once
 * the log has acknowledged it, through the same code that replays the log on start.
 *
 * <p>Rules, as in the Confluent Schema Registry:
 *
 * <ul>
 *   <li>Schemas are compared in Avro's canonical JSON form ({@code Schema.toString()}), so
 *       whitespace does not matter. Ids are global: the same canonical schema has the same id under
 *       every subject. Ids start at 1, versions of a subject at 1, and neither is ever reused
 *       (soft- deleted versions keep their numbers).
 *   <li>Registering a schema that is already a live version of the subject returns its id without a
 *       check or a write; otherwise it is checked against the subject's live versions under the
 *       subject's compatibility level (else the global one, BACKWARD by default).
 *   <li>Deletes are soft: the version is marked deleted, stays resolvable by id (old data must stay
 *       readable), and disappears from subject listings, lookups and compatibility checks.
 *       Permanent deletion is not implemented.
 * </ul>
 *
 * <p>Log format (JSON, close to Confluent's own {@code _schemas} records):
 *
 * <ul>
 *   <li>key {@code {"keytype":"SCHEMA","subject":s,"version":v,"magic":1}}, value {@code
 *       {"subject":s,"version":v,"id":n,"schemaType":"AVRO","schema":"...","deleted":false}}
 *   <li>key {@code {"keytype":"CONFIG","subject":s|null,"magic":0}}, value {@code
 *       {"compatibilityLevel":"BACKWARD"}} (null subject = global; tombstone = back to default)
 * </ul>
 *
 * Other key types are ignored, so the log can grow new record kinds. All methods are thread-safe;
 * changes are serialized by one lock, so concurrent registrations of one schema get one id.
 */
public final class SchemaStore {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The global level when none was ever configured (docs/architecture.md#topics-and-schemas,
   * Confluent's default).
   */
  public static final CompatibilityLevel DEFAULT_LEVEL = CompatibilityLevel.BACKWARD;

  /** The only schema type this registry understands. */
  public static final String AVRO = "AVRO";

  /**
   * One version of a subject.
   *
   * @param subject the subject
   * @param version its version number in the subject, from 1
   * @param id the global schema id
   * @param schema the schema in canonical form
   * @param deleted true once soft-deleted
   */
  public record Version(String subject, int version, int id, String schema, boolean deleted) {

    /** The schema parsed by Avro (the text was validated when it was registered). */
    public Schema parsedSchema() {
      return new Schema.Parser().parse(schema);
    }

    Version asDeleted() {
      return new Version(subject, version, id, schema, true);
    }
  }

  private final SchemaLog log;
  private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = DEFAULT_LEVEL;
  private int maxId;

  private SchemaStore(SchemaLog log) {
    this.log = log;
  }

  /**
   * Replays {@code log} into a new store.
   *
   * @param log the durable log; the store writes to it from now on
   * @return the store with every schema, version and config of the log
   * @throws IllegalStateException when the log cannot be read or holds a record this store cannot
   *     understand (starting anyway could hand out an id twice)
   */
  public static SchemaStore open(SchemaLog log) {
    SchemaStore store = new SchemaStore(log);
    List<SchemaLog.Entry> entries = log.readAll();
    synchronized (store) {
      for (SchemaLog.Entry e : entries) {
        store.apply(e);
      }
      LOG.info(
          "Registry state rebuilt from {} log records: {} subjects, {} schemas, global level {}",
          entries.size(),
          store.subjects.size(),
          store.schemasById.size(),
          store.globalLevel);
    }
    return store;
  }

  /**
   * Registers a schema under a subject ({@code POST /subjects/{subject}/versions}).
   *
   * @param subject the subject, e.g. {@code item_view-value}
   * @param schemaText the schema as JSON text
   * @param schemaType null or {@code AVRO}
   * @param references null or an empty JSON array (references are not supported)
   * @return the global id of the schema
   * @throws RegistryRestException 42201 invalid schema, 409 incompatible, 50001 log write failed
   */
  public synchronized int register(
      String subject, String schemaText, String schemaType, JsonNode references) {
    Schema schema = parse(schemaText, schemaType, references);
    String canonical = schema.toString();
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions != null) {
      for (Version v : versions.values()) {
        if (!v.deleted() && v.schema().equals(canonical)) {
          return v.id();
        }
      }
    }
    CompatibilityLevel level = effectiveLevel(subject);
    List<String> problems = level.check(schema, live(subject));
    if (!problems.isEmpty()) {
      throw RegistryRestException.incompatible(subject, level, problems);
    }
    int id = idsBySchema.getOrDefault(canonical, maxId + 1);
    int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    Version v = new Version(subject, version, id, canonical, false);
    write(schemaKey(subject, version), schemaValue(v));
    LOG.info("Registered {} version {} with id {}", subject, version, id);
    return id;
  }

  /**
   * Finds a schema among a subject's versions ({@code POST /subjects/{subject}}).
   *
   * @param includeDeleted also match soft-deleted versions ({@code ?deleted=true})
   * @return the matching version
   * @throws RegistryRestException 42201 invalid schema, 40401 subject not found, 40403 the schema
   *     is not a version of the subject
   */
  public synchronized Version lookup(
      String subject,
      String schemaText,
      String schemaType,
      JsonNode references,
      boolean includeDeleted) {
    Schema schema = parse(schemaText, schemaType, references);
    String canonical = schema.toString();
    Version match = null;
    for (Version v : versions(subject, includeDeleted)) {
      if (v.schema().equals(canonical) && (match == null || match.deleted())) {
        match = v;
      }
    }
    if (match == null) {
      throw RegistryRestException.schemaNotFound();
    }
    return match;
  }

  /**
   * The schema with a global id ({@code GET /schemas/ids/{id}}), soft-deleted ones included.
   *
   * @return the canonical schema text, empty when the id is unknown
   */
  public synchronized Optional<String> schemaById(int id) {
    return Optional.ofNullable(schemasById.get(id));
  }

  /**
   * The live subject versions that use a schema id ({@code GET /schemas/ids/{id}/versions}).
   *
   * @throws RegistryRestException 40403 when the id is unknown
   */
  public synchronized List<Version> versionsOfId(int id) {
    if (!schemasById.containsKey(id)) {
      throw RegistryRestException.schemaNotFound(String.valueOf(id));
    }
    List<Version> out = new ArrayList<>();
    for (TreeMap<Integer, Version> versions : subjects.values()) {
      for (Version v : versions.values()) {
        if (v.id() == id && !v.deleted()) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * Subjects in name order ({@code GET /subjects}).
   *
   * @param includeDeleted also subjects whose versions are all soft-deleted
   */
  public synchronized List<String> subjects(boolean includeDeleted) {
    List<String> out = new ArrayList<>();
    subjects.forEach(
        (name, versions) -> {
          if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
            out.add(name);
          }
        });
    return out;
  }

  /**
   * A subject's versions, oldest first ({@code GET /subjects/{subject}/versions}).
   *
   * @param includeDeleted also soft-deleted versions
   * @throws RegistryRestException 40401 when the subject has no (live) version
   */
  public synchronized List<Version> versions(String subject, boolean includeDeleted) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    List<Version> out = new ArrayList<>();
    if (versions != null) {
      for (Version v : versions.values()) {
        if (includeDeleted || !v.deleted()) {
          out.add(v);
        }
      }
    }
    if (out.isEmpty()) {
      throw RegistryRestException.subjectNotFound(subject);
    }
    return out;
  }

  /**
   * One version of a subject ({@code GET /subjects/{subject}/versions/{version}}).
   *
   * @param versionSpec a version number, or {@code latest} / {@code -1} for the newest one
   * @param includeDeleted also soft-deleted versions
   * @throws RegistryRestException 42202 invalid version, 40401 subject not found, 40402 version not
   *     found
   */
  public synchronized Version version(String subject, String versionSpec, boolean includeDeleted) {
    int wanted = parseVersion(versionSpec);
    List<Version> versions = versions(subject, includeDeleted);
    if (wanted == LATEST) {
      return versions.get(versions.size() - 1);
    }
    return versions.stream()
        .filter(v -> v.version() == wanted)
        .findFirst()
        .orElseThrow(() -> RegistryRestException.versionNotFound(wanted));
  }

  /**
   * Tests a schema against a subject ({@code POST /compatibility/subjects/{subject}/versions/{v}}).
   * Against {@code latest}, the subject's level decides which versions count (latest or all, as on
   * registration) and a subject without versions accepts anything; against a number, only that
   * version is checked, under the subject's level.
   *
   * @return one message per incompatibility; empty when compatible
   * @throws RegistryRestException 42201, 42202, 40401, 40402 as for registration and lookup
   */
  public synchronized List<String> testCompatibility(
      String subject,
      String versionSpec,
      String schemaText,
      String schemaType,
      JsonNode references) {
    int wanted = parseVersion(versionSpec);
    Schema schema = parse(schemaText, schemaType, references);
    CompatibilityLevel level = effectiveLevel(subject);
    if (wanted == LATEST) {
      return level.check(schema, live(subject));
    }
    return level.check(schema, List.of(version(subject, versionSpec, false)));
  }

  /**
   * Soft-deletes every live version of a subject ({@code DELETE /subjects/{subject}}).
   *
   * @return the deleted version numbers
   * @throws RegistryRestException 40401 unknown subject, 40404 already soft-deleted, 50001 log
   *     write failed
   */
  public synchronized List<Integer> deleteSubject(String subject) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw RegistryRestException.subjectNotFound(subject);
    }
    List<Version> live = live(subject);
    if (live.isEmpty()) {
      throw RegistryRestException.subjectSoftDeleted(subject);
    }
    List<Integer> deleted = new ArrayList<>();
    for (Version v : live) {
      write(schemaKey(subject, v.version()), schemaValue(v.asDeleted()));
      deleted.add(v.version());
    }
    LOG.info("Soft-deleted subject {} versions {}", subject, deleted);
    return deleted;
  }

  /**
   * Soft-deletes one version ({@code DELETE /subjects/{subject}/versions/{version}}).
   *
   * @return the deleted version number
   * @throws RegistryRestException 42202, 40401, 40402, 40406 already soft-deleted, 50001
   */
  public synchronized int deleteVersion(String subject, String versionSpec) {
    int wanted = parseVersion(versionSpec);
    TreeMap<Integer, Version> all = subjects.get(subject);
    Version known = all == null || wanted == LATEST ? null : all.get(wanted);
    if (known != null && known.deleted()) {
      throw RegistryRestException.versionSoftDeleted(subject, wanted);
    }
    Version v = version(subject, versionSpec, false);
    write(schemaKey(subject, v.version()), schemaValue(v.asDeleted()));
    LOG.info("Soft-deleted {} version {}", subject, v.version());
    return v.version();
  }

  /** The global compatibility level ({@code GET /config}). */
  public synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  /**
   * Sets the global level ({@code PUT /config}).
   *
   * @throws RegistryRestException 50001 when the log write fails
   */
  public synchronized void setGlobalLevel(CompatibilityLevel level) {
    write(configKey(null), configValue(level));
  }

  /** The subject's own level, empty when it has none ({@code GET /config/{subject}}). */
  public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
    return Optional.ofNullable(subjectLevels.get(subject));
  }

  /**
   * Sets a subject's own level ({@code PUT /config/{subject}}); the subject need not exist yet.
   *
   * @throws RegistryRestException 50001 when the log write fails
   */
  public synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    write(configKey(subject), configValue(level));
  }

  /**
   * Removes a subject's own level, so the global one applies ({@code DELETE /config/{subject}}).
   *
   * @return the level it had
   * @throws RegistryRestException 40408 when it had none, 50001 when the log write fails
   */
  public synchronized CompatibilityLevel deleteSubjectLevel(String subject) {
    CompatibilityLevel previous = subjectLevels.get(subject);
    if (previous == null) {
      throw RegistryRestException.subjectLevelNotConfigured(subject);
    }
    write(configKey(subject), null);
    return previous;
  }

  /** The level that applies to a subject: its own, else the global one. */
  public synchronized CompatibilityLevel effectiveLevel(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  private List<Version> live(String subject) {
    TreeMap<Integer, Version> versions = subjects.get(subject);
    if (versions == null) {
      return List.of();
    }
    return versions.values().stream().filter(v -> !v.deleted()).toList();
  }

  private void write(String key, String value) {
    SchemaLog.Entry entry = new SchemaLog.Entry(key, value);
    try {
      log.append(entry);
    } catch (SchemaLog.SchemaLogException e) {
      throw RegistryRestException.storeError(e.getMessage(), e);
    }
    apply(entry);
  }

  /** Applies one log record to memory: the one path for both replay and live changes. */
  private void apply(SchemaLog.Entry entry) {
    JsonNode key = readJson(entry.key(), entry);
    switch (key.path("keytype").asText()) {
      case "SCHEMA" -> applySchema(key, entry);
      case "CONFIG" -> applyConfig(key, entry);
      default -> LOG.debug("Ignoring log record with key {}", entry.key());
    }
  }

  private void applySchema(JsonNode key, SchemaLog.Entry entry) {
    String subject = key.path("subject").asText(null);
    int version = key.path("version").asInt(0);
    if (subject == null || version < 1) {
      throw new IllegalStateException("schema log record without subject or version: " + entry);
    }
    if (entry.value() == null) {
      TreeMap<Integer, Version> versions = subjects.get(subject);
      if (versions != null) {
        versions.remove(version);
      }
      return;
    }
    JsonNode value = readJson(entry.value(), entry);
    int id = value.path("id").asInt(0);
    String schema = value.path("schema").asText(null);
    if (id < 1 || schema == null) {
      throw new IllegalStateException("schema log record without id or schema: " + entry);
    }
    String known = schemasById.putIfAbsent(id, schema);
    if (known != null && !known.equals(schema)) {
      throw new IllegalStateException("schema id " + id + " has two different schemas: " + entry);
    }
    idsBySchema.putIfAbsent(schema, id);
    maxId = Math.max(maxId, id);
    subjects
        .computeIfAbsent(subject, s -> new TreeMap<>())
        .put(version, new Version(subject, version, id, schema, value.path("deleted").asBoolean()));
  }

  private void applyConfig(JsonNode key, SchemaLog.Entry entry) {
    JsonNode subjectNode = key.get("subject");
    String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
    CompatibilityLevel level = null;
    if (entry.value() != null) {
      try {
        level =
            CompatibilityLevel.parse(
                readJson(entry.value(), entry).path("compatibilityLevel").asText(null));
      } catch (RegistryRestException e) {
        throw new IllegalStateException("config log record with an unknown level: " + entry, e);
      }
    }
    if (subject == null) {
      globalLevel = level == null ? DEFAULT_LEVEL : level;
    } else if (level == null) {
      subjectLevels.remove(subject);
    } else {
      subjectLevels.put(subject, level);
    }
  }

  private static JsonNode readJson(String text, SchemaLog.Entry entry) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable schema log record " + entry, e);
    }
  }

  private static String schemaKey(String subject, int version) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "SCHEMA").put("subject", subject).put("version", version).put("magic", 1);
    return key.toString();
  }

  private static String schemaValue(Version v) {
    ObjectNode value = JSON.createObjectNode();
    value
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schemaType", AVRO)
        .put("schema", v.schema())
        .put("deleted", v.deleted());
    return value.toString();
  }

  private static String configKey(String subject) {
    ObjectNode key = JSON.createObjectNode();
    key.put("keytype", "CONFIG").put("subject", subject).put("magic", 0);
    return key.toString();
  }

  private static String configValue(CompatibilityLevel level) {
    return JSON.createObjectNode().put("compatibilityLevel", level.name()).toString();
  }

  private static final int LATEST = -1;

  /** Parses a Confluent version path segment: {@code latest}, {@code -1} or 1..2^31-1. */
  private static int parseVersion(String spec) {
    if ("latest".equalsIgnoreCase(spec)) {
      return LATEST;
    }
    try {
      int v = Integer.parseInt(spec);
      if (v == LATEST || v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the Confluent error
    }
    throw RegistryRestException.invalidVersion(spec);
  }

  /** Parses and validates an Avro schema as Confluent's AvroSchemaProvider would. */
  private static Schema parse(String schemaText, String schemaType, JsonNode references) {
    if (schemaType != null && !AVRO.equalsIgnoreCase(schemaType)) {
      throw RegistryRestException.invalidSchema(
          "schema type " + schemaType + " is not supported, only AVRO");
    }
    if (references != null && !references.isNull() && !references.isEmpty()) {
      throw RegistryRestException.invalidSchema("schema references are not supported");
    }
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryRestException.invalidSchema("empty schema");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (SchemaParseException | org.apache.avro.AvroTypeException e) {
      throw RegistryRestException.invalidSchema(e.getMessage());
    } catch (RuntimeException e) {
      // Avro reports some malformed input as other runtime exceptions (e.g. NullPointerException).
      throw RegistryRestException.invalidSchema(
          e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
