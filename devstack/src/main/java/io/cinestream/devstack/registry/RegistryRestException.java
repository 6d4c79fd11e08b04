package io.cinestream.devstack.registry;

import java.util.List;

/**
 * An error answer of the registry in Confluent's form: body {@code {"error_code": N, "message":
 * "..."}} with HTTP status {@code N / 100} for five-digit codes (40401 -> 404) and {@code N} itself
 * for three-digit ones (409 -> 409). Codes and messages follow Confluent's {@code
 * io.confluent.kafka.schemaregistry.rest.exceptions.Errors}.
 */
public final class RegistryRestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Confluent: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent: subject was soft-deleted. */
  public static final int SUBJECT_SOFT_DELETED = 40404;

  /** Confluent: subject version was soft-deleted. */
  public static final int VERSION_SOFT_DELETED = 40406;

  /** Confluent: the subject has no subject-level compatibility configured. */
  public static final int SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /**
   * Incompatible schema. Confluent up to 7.x answers error code 409 (newer releases say 40901 with
   * the same HTTP 409); our clients test the HTTP status, so 409 fits both.
   */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent: invalid schema (unparseable or not valid Avro). */
  public static final int INVALID_SCHEMA = 42201;

  /** Confluent: invalid version (neither a positive int nor {@code latest}). */
  public static final int INVALID_VERSION = 42202;

  /** Confluent: invalid compatibility level. */
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Confluent: operation not permitted. */
  public static final int OPERATION_NOT_PERMITTED = 42205;

  /** Confluent: error in the backend store (here: the {@code _schemas} log). */
  public static final int STORE_ERROR = 50001;

  private final int errorCode;

  /**
   * @param errorCode Confluent error code, e.g. 40401
   * @param message the message sent to the client
   */
  public RegistryRestException(int errorCode, String message) {
    this(errorCode, message, null);
  }

  /**
   * @param errorCode Confluent error code, e.g. 50001
   * @param message the message sent to the client
   * @param cause the underlying failure (logged, never sent), or null
   */
  public RegistryRestException(int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.errorCode = errorCode;
  }

  /** The Confluent {@code error_code}. */
  public int errorCode() {
    return errorCode;
  }

  /** The HTTP status: the first three digits of a five-digit code, else the code itself. */
  public int httpStatus() {
    return httpStatusOf(errorCode);
  }

  static int httpStatusOf(int errorCode) {
    return errorCode >= 10_000 ? errorCode / 100 : errorCode;
  }

  static RegistryRestException subjectNotFound(String subject) {
    return new RegistryRestException(SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  static RegistryRestException versionNotFound(int version) {
    return new RegistryRestException(VERSION_NOT_FOUND, "Version " + version + " not found.");
  }

  static RegistryRestException schemaNotFound() {
    return new RegistryRestException(SCHEMA_NOT_FOUND, "Schema not found");
  }

  static RegistryRestException schemaNotFound(String id) {
    return new RegistryRestException(SCHEMA_NOT_FOUND, "Schema " + id + " not found");
  }

  static RegistryRestException subjectSoftDeleted(String subject) {
    return new RegistryRestException(
        SUBJECT_SOFT_DELETED,
        "Subject '" + subject + "' was soft deleted. Permanent deletion is not supported here.");
  }

  static RegistryRestException versionSoftDeleted(String subject, int version) {
    return new RegistryRestException(
        VERSION_SOFT_DELETED,
        "Subject '"
            + subject
            + "' Version "
            + version
            + " was soft deleted. Permanent deletion is not supported here.");
  }

  static RegistryRestException subjectLevelNotConfigured(String subject) {
    return new RegistryRestException(
        SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED,
        "Subject '" + subject + "' does not have subject-level compatibility configured");
  }

  static RegistryRestException incompatible(
      String subject, CompatibilityLevel level, List<String> problems) {
    return new RegistryRestException(
        INCOMPATIBLE_SCHEMA,
        "Schema being registered is incompatible with an earlier schema for subject \""
            + subject
            + "\" under "
            + level
            + ", details: "
            + problems);
  }

  static RegistryRestException invalidSchema(String detail) {
    return new RegistryRestException(INVALID_SCHEMA, "Invalid schema: " + detail);
  }

  static RegistryRestException invalidVersion(String version) {
    return new RegistryRestException(
        INVALID_VERSION,
        "The specified version '"
            + version
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  static RegistryRestException invalidCompatibilityLevel(String given) {
    return new RegistryRestException(
        INVALID_COMPATIBILITY_LEVEL,
        "Invalid compatibility level '"
            + given
            + "'. Valid values are none, backward, forward, full, backward_transitive,"
            + " forward_transitive, and full_transitive");
  }

  static RegistryRestException storeError(String what, Throwable cause) {
    return new RegistryRestException(
        STORE_ERROR, "Error in the backend data store: " + what, cause);
  }
}
