package io.cinestream.devstack.registry;

/** Avro schemas of the registry tests: one record evolved step by step. */
final class Schemas {

  private Schemas() {}

  /** Version 1: {@code id} only. */
  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Movie\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}";

  /** V1 with different whitespace: the same canonical schema. */
  static final String V1_SPACED =
      "{ \"type\" : \"record\", \"name\" : \"Movie\", \"namespace\" : \"io.cinestream.test\",\n"
          + "  \"fields\" : [ { \"name\" : \"id\", \"type\" : \"string\" } ] }";

  /** V1 plus {@code title} with a default: backward, forward and fully compatible with V1. */
  static final String WITH_OPTIONAL_TITLE =
      "{\"type\":\"record\",\"name\":\"Movie\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"title\",\"type\":\"string\",\"default\":\"\"}]}";

  /** V1 plus a required {@code rating}: not BACKWARD compatible (no default), FORWARD ok. */
  static final String WITH_REQUIRED_RATING =
      "{\"type\":\"record\",\"name\":\"Movie\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"rating\",\"type\":\"int\"}]}";

  /** V1 plus {@code year} as an int (no default). */
  static final String WITH_INT_YEAR =
      "{\"type\":\"record\",\"name\":\"Movie\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"year\",\"type\":\"int\"}]}";

  /** V1 plus {@code year} as a string with a default: cannot read data with an int year. */
  static final String WITH_STRING_YEAR =
      "{\"type\":\"record\",\"name\":\"Movie\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"id\",\"type\":\"string\"},"
          + "{\"name\":\"year\",\"type\":\"string\",\"default\":\"\"}]}";

  /** An unrelated record. */
  static final String OTHER =
      "{\"type\":\"record\",\"name\":\"Cart\",\"namespace\":\"io.cinestream.test\","
          + "\"fields\":[{\"name\":\"cart_id\",\"type\":\"string\"}]}";
}
