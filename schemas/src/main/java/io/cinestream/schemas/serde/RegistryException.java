package io.cinestream.schemas.serde;

/**
 * An error answer of a Confluent-compatible schema registry, or a failure to reach it.
 *
 * <p>{@link #errorCode()} is the Confluent {@code error_code} of the answer (e.g. 40401 subject not
 * found, 40403 schema not found, 409 incompatible schema, 42201 invalid schema), or the HTTP status
 * when the body carried none, or -1 when no answer arrived.
 */
public class RegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Confluent error code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: the schema is incompatible with earlier versions. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: invalid Avro schema. */
  public static final int INVALID_SCHEMA = 42201;

  private final int errorCode;

  /**
   * @param errorCode Confluent error code, HTTP status, or -1 when the registry did not answer
   * @param message what went wrong, naming the request
   * @param cause the underlying exception, or null
   */
  public RegistryException(int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** Confluent error code, HTTP status, or -1 when the registry did not answer. */
  public int errorCode() {
    return errorCode;
  }

  /**
   * True only for a Confluent error body saying "subject not found" (40401) or "schema not found"
   * (40403): the registry itself says the id or subject does not exist, and retrying will not help.
   * Anything else (a bare HTTP 404 from a wrong path or a proxy, another 4xx/5xx, a non-JSON
   * answer, no answer) is not proof of absence: callers treat it as "registry unavailable" and
   * retry, instead of dead-lettering good records.
   */
  public boolean isNotFound() {
    return errorCode == SUBJECT_NOT_FOUND || errorCode == SCHEMA_NOT_FOUND;
  }
}
