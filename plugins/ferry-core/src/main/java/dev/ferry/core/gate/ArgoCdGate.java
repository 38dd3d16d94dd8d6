package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Passes when an Argo CD Application is synced to the promoted commit and Healthy. Reads the
 * Application through the Argo CD REST API with a bearer token, or as an
 * {@code argoproj.io/v1alpha1} resource through the Kubernetes API.
 *
 * <pre>{@code
 * Gate gate = ArgoCdGate.rest(URI.create("https://argocd.example.com"), "shop-dev", token, false, true, false);
 * }</pre>
 */
final class ArgoCdGate implements Gate {

  static final ResourceDefinitionContext APPLICATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Application")
      .withPlural("applications").withNamespaced(true).build();

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads the Application as JSON; {@code first} is true on the first check of a run. */
  interface Reader extends AutoCloseable {
    JsonNode read(boolean first);

    @Override
    default void close() {
    }
  }

  private final String app;
  private final Reader reader;
  private boolean first = true;

  ArgoCdGate(String app, Reader reader) {
    this.app = app;
    this.reader = reader;
  }

  /**
   * Through the REST API. With {@code refresh} the first read asks Argo CD to compare with git now
   * ({@code ?refresh=normal}) instead of at its next poll; with {@code sync} the first check also
   * starts a sync.
   */
  static ArgoCdGate rest(URI server, String app, String token, boolean insecure, boolean refresh, boolean sync) {
    return rest(server, app, token, insecure, refresh, sync, Http.REQUEST_TIMEOUT);
  }

  static ArgoCdGate rest(URI server, String app, String token, boolean insecure, boolean refresh, boolean sync,
      java.time.Duration timeout) {
    return new ArgoCdGate(app, new RestReader(server, app, token, Http.client(insecure), refresh, sync, timeout));
  }

  /** The annotation that asks Argo CD to compare an Application with git now, as {@code argocd app get --refresh} does. */
  static final String REFRESH_ANNOTATION = "argocd.argoproj.io/refresh";

  /**
   * Through the Application resource in {@code namespace} (Argo CD's own, usually {@code argocd}).
   * With {@code refresh} the first read first annotates the Application for a normal refresh.
   */
  static ArgoCdGate resource(Cluster cluster, String namespace, String app, boolean refresh) {
    return new ArgoCdGate(app, new Reader() {
      @Override
      public JsonNode read(boolean first) {
        String what = "Application " + namespace + "/" + app;
        try {
          var application = cluster.client().genericKubernetesResources(APPLICATIONS).inNamespace(namespace).withName(app);
          if (first && refresh) {
            try {
              application.patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                  io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                  "{\"metadata\":{\"annotations\":{\"" + REFRESH_ANNOTATION + "\":\"normal\"}}}");
            } catch (KubernetesClientException e) {
              if (e.getCode() != 404 && e.getCode() != 403) {
                throw e;
              }
              // missing: reported by the read below; not allowed to patch: Argo CD refreshes on its own schedule
            }
          }
          GenericKubernetesResource resource = application.get();
          if (resource == null) {
            throw new GateAnswer(GateResult.failed(what + " not found in " + cluster.describe()));
          }
          return JSON.valueToTree(resource);
        } catch (KubernetesClientException e) {
          throw new GateAnswer(Cluster.answer(e, what));
        }
      }

      @Override
      public void close() {
        cluster.close();
      }
    });
  }

  @Override
  public String name() {
    return "argocd " + app;
  }

  @Override
  public GateResult check(GateContext context) {
    try {
      JsonNode application = reader.read(first);
      first = false;
      return evaluate(app, application, context);
    } catch (GateAnswer answer) {
      return answer.result();
    }
  }

  @Override
  public void close() {
    reader.close();
  }

  /** Judges an Application document (the REST answer and the resource have the same shape). */
  static GateResult evaluate(String app, JsonNode application, GateContext context) {
    JsonNode status = application.path("status");
    String syncStatus = status.path("sync").path("status").asText("Unknown");
    String revision = revisionOf(status.path("sync"));
    String health = status.path("health").path("status").asText("Unknown");
    String healthMessage = status.path("health").path("message").asText("");
    JsonNode operation = status.path("operationState");
    String phase = operation.path("phase").asText("");
    String operationRevision = revisionOf(operation.path("syncResult"));
    if (operationRevision == null) {
      operationRevision = revisionOf(operation.path("operation").path("sync"));
    }
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("revision", revision);
    observed.put("sync", syncStatus);
    observed.put("health", health);
    if (!phase.isEmpty()) {
      observed.put("operation", phase);
    }
    String promoted = context.commit();
    boolean atPromoted = context.reached(revision);

    if ((phase.equals("Failed") || phase.equals("Error"))
        && concernsPromotion(operation, operationRevision, context.promotedAt(), context)) {
      return GateResult.failed("sync of " + app + " " + phase + ": "
          + operation.path("message").asText("no message"), observed);
    }
    if (!atPromoted) {
      return GateResult.running(app + " is at revision " + shortId(revision) + " (" + syncStatus
          + "), waiting for " + shortId(promoted), observed);
    }
    if (!syncStatus.equals("Synced")) {
      return GateResult.running(app + " is " + syncStatus + " at " + shortId(promoted), observed);
    }
    if (phase.equals("Running") || phase.equals("Terminating")) {
      return GateResult.running("sync of " + app + " is " + phase, observed);
    }
    return switch (health) {
      case "Healthy" -> GateResult.passed(app + " is Synced to " + shortId(promoted) + " and Healthy", observed);
      case "Degraded" -> GateResult.failed(app + " is Degraded at " + shortId(promoted)
          + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed);
      default -> GateResult.running(app + " is Synced to " + shortId(promoted) + " and " + health
          + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed);
    };
  }

  /** A failed operation older than the promotion belongs to an earlier version: ignore it. */
  private static boolean concernsPromotion(JsonNode operation, String operationRevision, Instant promotedAt,
      GateContext context) {
    if (operationRevision != null) {
      return context.reached(operationRevision);
    }
    if (promotedAt == null) {
      return true;
    }
    String when = operation.path("finishedAt").asText(operation.path("startedAt").asText(""));
    try {
      return when.isEmpty() || !Instant.parse(when).isBefore(promotedAt);
    } catch (DateTimeParseException e) {
      return true;
    }
  }

  /** {@code revision}, or for a multi-source Application the first of {@code revisions}. */
  private static String revisionOf(JsonNode node) {
    if (node.hasNonNull("revision") && !node.get("revision").asText().isEmpty()) {
      return node.get("revision").asText();
    }
    JsonNode revisions = node.path("revisions");
    return revisions.isArray() && revisions.size() > 0 ? revisions.get(0).asText() : null;
  }

  static String shortId(String commit) {
    return commit == null ? "(none)" : commit.length() > 12 ? commit.substring(0, 12) : commit;
  }

  private static final class RestReader implements Reader {
    private final URI server;
    private final String app;
    private final String token;
    private final HttpClient http;
    private final boolean refresh;
    private final java.time.Duration timeout;
    private boolean syncPending;

    RestReader(URI server, String app, String token, HttpClient http, boolean refresh, boolean sync,
        java.time.Duration timeout) {
      this.timeout = timeout;
      this.server = server;
      this.app = app;
      this.token = token;
      this.http = http;
      this.refresh = refresh;
      this.syncPending = sync;
    }

    @Override
    public JsonNode read(boolean first) {
      String base = server.toString().replaceAll("/+$", "") + "/api/v1/applications/"
          + URLEncoder.encode(app, StandardCharsets.UTF_8);
      if (syncPending) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/sync"))
            .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"), "sync");
        // another operation in progress means a sync is already under way: good enough
        if (r.statusCode() / 100 != 2 && !r.body().contains("in progress")) {
          throw new GateAnswer(answer(r, "sync"));
        }
        syncPending = false;
      }
      HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + (first && refresh ? "?refresh=normal" : ""))).GET(), "read");
      if (r.statusCode() != 200) {
        throw new GateAnswer(answer(r, "read"));
      }
      try {
        return JSON.readTree(r.body());
      } catch (IOException e) {
        throw new GateAnswer(GateResult.errored("Argo CD at " + HttpGate.withoutCredentials(server) + " answered with invalid JSON for " + app));
      }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String action) {
      try {
        return Http.send(http, request.timeout(timeout).header("Authorization", "Bearer " + token)
            .header("Accept", "application/json").build(), timeout);
      } catch (IOException e) {
        throw new GateAnswer(GateResult.errored("cannot " + action + " Application " + app + " at " + HttpGate.withoutCredentials(server) + ": " + Http.describe(e, timeout)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GateAnswer(GateResult.errored("interrupted"));
      }
    }

    private GateResult answer(HttpResponse<String> r, String action) {
      int code = r.statusCode();
      String message = messageOf(r.body());
      String what = "Argo CD at " + HttpGate.withoutCredentials(server) + " answered " + code + " to " + action + " Application " + app;
      if (code == 401 || code == 403) {
        // Argo CD also answers 403 for an application that does not exist, to hide its name
        return GateResult.failed(what + ": " + message + " (check the token and that the application exists)");
      }
      if (code / 100 == 4) {
        return GateResult.failed(what + ": " + message);
      }
      return GateResult.errored(what + ": " + message);
    }

    private static String messageOf(String body) {
      try {
        JsonNode node = JSON.readTree(body);
        if (node.hasNonNull("message")) {
          return node.get("message").asText();
        }
        if (node.hasNonNull("error")) {
          return node.get("error").asText();
        }
      } catch (IOException notJson) {
        // fall through: show the start of the text
      }
      String text = body == null ? "" : body.strip();
      return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
  }

}
