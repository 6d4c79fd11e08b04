package io.cinestream.devstack.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP face of the registry: the subset of the Confluent Schema Registry REST API that
 * Confluent's clients and ours call, on Javalin, answering {@code
 * application/vnd.schemaregistry.v1+json}.
 *
 * <p>Endpoints (Confluent's API reference is the source of every rule and error code):
 *
 * <ul>
 *   <li>{@code POST /subjects/{s}/versions} -> {@code {"id":n}}; {@code POST /subjects/{s}}
 *       (lookup) -> {@code {"subject","id","version","schema"}}
 *   <li>{@code GET /schemas/ids/{id}} -> {@code {"schema"}}; {@code .../versions}, {@code
 *       .../subjects}; {@code GET /schemas/types}
 *   <li>{@code GET /subjects}, {@code GET /subjects/{s}/versions}, {@code GET
 *       /subjects/{s}/versions/{v|latest}} (and {@code .../schema} for the bare schema)
 *   <li>{@code POST /compatibility/subjects/{s}/versions/{v|latest}} -> {@code {"is_compatible"}},
 *       with {@code "messages"} when {@code ?verbose=true}
 *   <li>{@code GET|PUT /config}, {@code GET|PUT|DELETE /config/{s}}; {@code GET /mode}
 *   <li>{@code DELETE /subjects/{s}} and {@code DELETE /subjects/{s}/versions/{v}}: soft delete
 *       only; {@code ?permanent=true} answers 42205
 * </ul>
 *
 * <p>Every failure is answered as {@code {"error_code":N,"message":"..."}} (see {@link
 * RegistryRestException}); a malformed request body is HTTP 400 / error_code 400 as in Confluent's
 * rest-utils, an unsupported content type 415, a body over the size limit 413, a known path with a
 * method it does not serve 405, a request Jetty refuses before routing (e.g. the ambiguous path
 * {@code /..}) its status with the same JSON body, an unexpected failure 500 (logged here, never
 * sent as a stack trace). The server keeps serving after each.
 */
public final class SchemaRegistryServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The content type of every answer. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  /** Request content types Confluent accepts. */
  private static final Set<String> ACCEPTED_TYPES =
      Set.of(
          "application/vnd.schemaregistry.v1+json",
          "application/vnd.schemaregistry+json",
          "application/json",
          "application/octet-stream");

  private final Javalin app;
  private final SchemaStore store;
  private final SchemaLog log;
  private final int maxRequestBytes;
  private final String host;

  private SchemaRegistryServer(SchemaStore store, SchemaLog log, RegistryConfig cfg) {
    this.store = store;
    this.host = cfg.host();
    this.log = log;
    this.maxRequestBytes = cfg.maxRequestBytes();
    this.app =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.router.ignoreTrailingSlashes = true;
              // A known resource with a method it does not serve is 405, as in Confluent's
              // registry (Jersey), not 404.
              config.http.prefer405over404 = true;
              // Requests Jetty refuses before routing (an ambiguous path such as /.., a bad
              // header) get Confluent's JSON error body too, not Jetty's HTML page.
              config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              config.jetty.modifyServletContextHandler(
                  handler -> handler.setErrorHandler(new JsonErrorHandler()));
            });
    routes();
    errors();
  }

  /**
   * Starts a registry whose state lives in the Kafka topic {@code cfg.topic()} on {@code
   * cfg.bootstrapServers()} (created when missing), after replaying it.
   *
   * @param cfg bind address, port, Kafka bootstrap, topic, request size limit
   * @return the running server
   * @throws IllegalStateException when Kafka cannot be reached or the log cannot be replayed
   * @throws RuntimeException (Javalin's) when the port cannot be bound
   */
  public static SchemaRegistryServer start(RegistryConfig cfg) {
    return start(cfg, KafkaSchemaLog.open(cfg.bootstrapServers(), cfg.topic()));
  }

  /**
   * Starts a registry on any {@link SchemaLog}; the server owns the log and closes it on {@link
   * #close()}. {@code cfg.bootstrapServers()} and {@code cfg.topic()} are not used.
   *
   * @param cfg bind address, port, request size limit
   * @param log the durable state, replayed before the port opens
   * @return the running server
   * @throws IllegalStateException when the log cannot be replayed (the log is then closed)
   */
  public static SchemaRegistryServer start(RegistryConfig cfg, SchemaLog log) {
    try {
      SchemaRegistryServer server = new SchemaRegistryServer(SchemaStore.open(log), log, cfg);
      server.app.start(cfg.host(), cfg.port());
      LOG.info("Schema registry listening on {}", server.url());
      return server;
    } catch (RuntimeException e) {
      log.close();
      throw e;
    }
  }

  /** The port actually bound (useful after asking for port 0). */
  public int port() {
    return app.port();
  }

  /** The base URL for clients, e.g. {@code http://127.0.0.1:8081}. */
  public String url() {
    // A wildcard bind is reachable on loopback; clients cannot connect to 0.0.0.0 itself.
    String reachable = "0.0.0.0".equals(host) || "::".equals(host) ? "127.0.0.1" : host;
    return "http://" + reachable + ":" + port();
  }

  /** The registry's state and rules behind the HTTP API. */
  public SchemaStore store() {
    return store;
  }

  /** Stops serving and closes the log; the state stays in the log. */
  @Override
  public void close() {
    try {
      app.stop();
    } finally {
      log.close();
    }
    LOG.info("Schema registry stopped");
  }

  private void routes() {
    app.get("/", ctx -> send(ctx, JSON.createObjectNode()));
    app.get("/schemas/types", ctx -> send(ctx, JSON.createArrayNode().add(SchemaStore.AVRO)));
    app.get("/schemas/ids/{id}", this::schemaById);
    app.get("/schemas/ids/{id}/versions", this::versionsOfId);
    app.get("/schemas/ids/{id}/subjects", this::subjectsOfId);
    app.get("/subjects", ctx -> send(ctx, JSON.valueToTree(store.subjects(flag(ctx, "deleted")))));
    app.post("/subjects/{subject}", this::lookup);
    app.delete("/subjects/{subject}", this::deleteSubject);
    app.get("/subjects/{subject}/versions", this::listVersions);
    app.post("/subjects/{subject}/versions", this::register);
    app.get("/subjects/{subject}/versions/{version}", this::getVersion);
    app.get("/subjects/{subject}/versions/{version}/schema", this::getVersionSchema);
    app.delete("/subjects/{subject}/versions/{version}", this::deleteVersion);
    app.post("/compatibility/subjects/{subject}/versions", ctx -> compatibility(ctx, "latest"));
    app.post(
        "/compatibility/subjects/{subject}/versions/{version}",
        ctx -> compatibility(ctx, ctx.pathParam("version")));
    app.get("/config", ctx -> send(ctx, level("compatibilityLevel", store.globalLevel())));
    app.put("/config", this::putGlobalConfig);
    app.get("/config/{subject}", this::getSubjectConfig);
    app.put("/config/{subject}", this::putSubjectConfig);
    app.delete("/config/{subject}", this::deleteSubjectConfig);
    // Java clients ask for the mode before some writes; this registry is always writable.
    app.get("/mode", ctx -> send(ctx, JSON.createObjectNode().put("mode", "READWRITE")));
  }

  private void errors() {
    app.exception(
        RegistryRestException.class,
        (e, ctx) -> {
          if (e.errorCode() == RegistryRestException.STORE_ERROR) {
            LOG.error("{} {} failed in the store", ctx.method(), ctx.path(), e);
          } else {
            LOG.debug("{} {} -> {} {}", ctx.method(), ctx.path(), e.errorCode(), e.getMessage());
          }
          sendError(ctx, e.errorCode(), e.getMessage());
        });
    // Javalin's own refusals (no such route, 405...) in Confluent's body.
    app.exception(
        HttpResponseException.class,
        (e, ctx) -> sendError(ctx, e.getStatus(), "HTTP " + e.getStatus() + " " + e.getMessage()));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.error("{} {} failed unexpectedly", ctx.method(), ctx.path(), e);
          sendError(ctx, 500, "Internal Server Error: " + e.getClass().getSimpleName());
        });
  }

  private void schemaById(Context ctx) {
    int id = schemaId(ctx);
    String schema =
        store
            .schemaById(id)
            .orElseThrow(() -> RegistryRestException.schemaNotFound(String.valueOf(id)));
    send(ctx, JSON.createObjectNode().put("schema", schema));
  }

  private void versionsOfId(Context ctx) {
    ArrayNode out = JSON.createArrayNode();
    for (SchemaStore.Version v : store.versionsOfId(schemaId(ctx))) {
      out.addObject().put("subject", v.subject()).put("version", v.version());
    }
    send(ctx, out);
  }

  private void subjectsOfId(Context ctx) {
    ArrayNode out = JSON.createArrayNode();
    store.versionsOfId(schemaId(ctx)).stream()
        .map(SchemaStore.Version::subject)
        .distinct()
        .forEach(out::add);
    send(ctx, out);
  }

  private void register(Context ctx) {
    JsonNode body = body(ctx);
    int id =
        store.register(
            ctx.pathParam("subject"),
            text(body, "schema"),
            text(body, "schemaType"),
            body.get("references"));
    send(ctx, JSON.createObjectNode().put("id", id));
  }

  private void lookup(Context ctx) {
    JsonNode body = body(ctx);
    SchemaStore.Version v =
        store.lookup(
            ctx.pathParam("subject"),
            text(body, "schema"),
            text(body, "schemaType"),
            body.get("references"),
            flag(ctx, "deleted"));
    send(ctx, versionJson(v));
  }

  private void listVersions(Context ctx) {
    ArrayNode out = JSON.createArrayNode();
    store
        .versions(ctx.pathParam("subject"), flag(ctx, "deleted"))
        .forEach(v -> out.add(v.version()));
    send(ctx, out);
  }

  private void getVersion(Context ctx) {
    send(
        ctx,
        versionJson(
            store.version(
                ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"))));
  }

  private void getVersionSchema(Context ctx) {
    SchemaStore.Version v =
        store.version(ctx.pathParam("subject"), ctx.pathParam("version"), flag(ctx, "deleted"));
    ctx.contentType(CONTENT_TYPE).result(v.schema());
  }

  private void deleteSubject(Context ctx) {
    refusePermanent(ctx);
    send(ctx, JSON.valueToTree(store.deleteSubject(ctx.pathParam("subject"))));
  }

  private void deleteVersion(Context ctx) {
    refusePermanent(ctx);
    send(
        ctx,
        JSON.getNodeFactory()
            .numberNode(store.deleteVersion(ctx.pathParam("subject"), ctx.pathParam("version"))));
  }

  private void compatibility(Context ctx, String version) {
    JsonNode body = body(ctx);
    List<String> problems =
        store.testCompatibility(
            ctx.pathParam("subject"),
            version,
            text(body, "schema"),
            text(body, "schemaType"),
            body.get("references"));
    ObjectNode out = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
    if (flag(ctx, "verbose")) {
      out.set("messages", JSON.valueToTree(problems));
    }
    send(ctx, out);
  }

  private void putGlobalConfig(Context ctx) {
    CompatibilityLevel level = CompatibilityLevel.parse(text(body(ctx), "compatibility"));
    store.setGlobalLevel(level);
    send(ctx, level("compatibility", level));
  }

  private void getSubjectConfig(Context ctx) {
    String subject = ctx.pathParam("subject");
    CompatibilityLevel level =
        store
            .subjectLevel(subject)
            .or(
                () ->
                    flag(ctx, "defaultToGlobal")
                        ? Optional.of(store.globalLevel())
                        : Optional.empty())
            .orElseThrow(() -> RegistryRestException.subjectLevelNotConfigured(subject));
    send(ctx, level("compatibilityLevel", level));
  }

  private void putSubjectConfig(Context ctx) {
    CompatibilityLevel level = CompatibilityLevel.parse(text(body(ctx), "compatibility"));
    store.setSubjectLevel(ctx.pathParam("subject"), level);
    send(ctx, level("compatibility", level));
  }

  private void deleteSubjectConfig(Context ctx) {
    send(ctx, level("compatibilityLevel", store.deleteSubjectLevel(ctx.pathParam("subject"))));
  }

  private static void refusePermanent(Context ctx) {
    if (flag(ctx, "permanent")) {
      throw new RegistryRestException(
          RegistryRestException.OPERATION_NOT_PERMITTED,
          "Permanent deletion is not supported by this development registry; soft delete only");
    }
  }

  private static int schemaId(Context ctx) {
    String raw = ctx.pathParam("id");
    try {
      return Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw RegistryRestException.schemaNotFound(raw);
    }
  }

  private static boolean flag(Context ctx, String name) {
    return "true".equalsIgnoreCase(ctx.queryParam(name));
  }

  private static ObjectNode level(String field, CompatibilityLevel level) {
    return JSON.createObjectNode().put(field, level.name());
  }

  private static ObjectNode versionJson(SchemaStore.Version v) {
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  /** A string field of the body, null when absent; a non-string value is a client error. */
  private static String text(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new RegistryRestException(
          HttpStatus.UNPROCESSABLE_CONTENT.getCode(), "Field '" + field + "' must be a string");
    }
    return node.asText();
  }

  /**
   * Reads the request body as a JSON object: checks the content type (415), the size (413) while
   * reading, so a body without Content-Length cannot exhaust memory, and the syntax (400).
   */
  private JsonNode body(Context ctx) {
    String type = ctx.contentType();
    if (type != null) {
      String mediaType = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (!mediaType.isEmpty() && !ACCEPTED_TYPES.contains(mediaType)) {
        throw new RegistryRestException(
            415, "HTTP 415 Unsupported Media Type: " + mediaType + ", expected " + CONTENT_TYPE);
      }
    }
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxRequestBytes) {
      throw tooLarge(declared);
    }
    byte[] bytes;
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream buffer = new ByteArrayOutputStream();
      byte[] chunk = new byte[8192];
      int n;
      while ((n = in.read(chunk)) != -1) {
        buffer.write(chunk, 0, n);
        if (buffer.size() > maxRequestBytes) {
          throw tooLarge(buffer.size());
        }
      }
      bytes = buffer.toByteArray();
    } catch (IOException e) {
      throw new RegistryRestException(400, "Cannot read the request body: " + e.getMessage());
    }
    JsonNode node;
    try {
      node = bytes.length == 0 ? null : JSON.readTree(bytes);
    } catch (IOException e) {
      throw new RegistryRestException(
          400, "Malformed JSON request body: " + firstLine(e.getMessage()));
    }
    if (node == null || !node.isObject()) {
      throw new RegistryRestException(400, "The request body must be a JSON object");
    }
    return node;
  }

  private RegistryRestException tooLarge(long size) {
    return new RegistryRestException(
        413,
        "Request body too large: "
            + (size > maxRequestBytes ? "over " : "")
            + maxRequestBytes
            + " bytes allowed");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }

  private static void send(Context ctx, JsonNode body) {
    try {
      ctx.contentType(CONTENT_TYPE).result(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render a JSON answer", e);
    }
  }

  /**
   * Jetty's own error answers (requests refused before they reach a route) in Confluent's body:
   * {@code {"error_code": <status>, "message": "HTTP <status> <reason>"}}.
   */
  private static final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateAcceptableResponse(
        Request baseRequest,
        HttpServletRequest request,
        HttpServletResponse response,
        int code,
        String message)
        throws IOException {
      baseRequest.setHandled(true);
      response.setContentType(CONTENT_TYPE);
      response.getOutputStream().write(errorBody(code, message));
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
      return ByteBuffer.wrap(errorBody(status, reason));
    }

    private static byte[] errorBody(int code, String reason) {
      String message = "HTTP " + code + (reason == null || reason.isBlank() ? "" : " " + reason);
      return JSON.createObjectNode()
          .put("error_code", code)
          .put("message", message)
          .toString()
          .getBytes(StandardCharsets.UTF_8);
    }
  }

  private static void sendError(Context ctx, int errorCode, String message) {
    ObjectNode body = JSON.createObjectNode().put("error_code", errorCode).put("message", message);
    ctx.status(RegistryRestException.httpStatusOf(errorCode))
        .contentType(CONTENT_TYPE)
        .result(body.toString());
  }
}
