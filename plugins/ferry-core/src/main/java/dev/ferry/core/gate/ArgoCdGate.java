package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.InputException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Passes when every Argo CD Application it names is at the promoted commit, synced, reconciled
 * since its last sync, with no operation pending, and Healthy. Reads the Applications through the
 * Argo CD REST API with a bearer token, or as {@code argoproj.io/v1alpha1} resources through the
 * Kubernetes API. One gate may name several Applications (one per cluster, from an ApplicationSet):
 * a list ({@code apps}), a name pattern ({@code app: "shop-prod-*"}) or, as resources, a label
 * selector; all must pass, and the evidence holds each one's answer.
 *
 * <pre>{@code
 * Gate gate = ArgoCdGate.rest(URI.create("https://argocd.example.com"), "shop-dev", token, false, true, false);
 * }</pre>
 */
final class ArgoCdGate implements Gate {

  static final ResourceDefinitionContext APPLICATIONS = new ResourceDefinitionContext.Builder()
      .withGroup("argoproj.io").withVersion("v1alpha1").withKind("Application")
      .withPlural("applications").withNamespaced(true).build();


  /** {@code - argocd: {server: ..., app: "shop-{env}", tokenEnv: ARGOCD_TOKEN}} or, as resources, {@code {namespace: argocd, app: ...}}. */
  static final GateKind KIND = new GateKind() {
    @Override
    public String name() {
      return "argocd";
    }

    @Override
    public List<GateSetting> settings() {
      List<GateSetting> settings = new ArrayList<>(List.of(
          GateSetting.optional("server", GateSetting.Type.URL, null, "Argo CD URL: read through its REST API"),
          GateSetting.optional("app", GateSetting.Type.STRING, null, "application name, or a name pattern with *"),
          GateSetting.optional("apps", GateSetting.Type.STRINGS, null, "several application names, all must pass"),
          GateSetting.optional("selector", GateSetting.Type.STRING, null,
              "as resources: a label selector (env=prod,team=shop) naming the applications, all must pass"),
          GateSetting.optional("tokenEnv", GateSetting.Type.STRING, null, "REST: environment variable holding an API token"),
          GateSetting.optional("appNamespace", GateSetting.Type.STRING, null, "REST: namespace of applications outside Argo CD's own"),
          GateSetting.optional("insecure", GateSetting.Type.BOOLEAN, false, "REST: accept any TLS certificate"),
          GateSetting.optional("sync", GateSetting.Type.BOOLEAN, false, "REST: start a sync before the first read"),
          GateSetting.optional("refresh", GateSetting.Type.BOOLEAN, true, "ask Argo CD to compare with git now on the first read"),
          GateSetting.optional("namespace", GateSetting.Type.STRING, "argocd", "as resources: namespace of the Application resources"),
          GateSetting.optional("acceptSuspended", GateSetting.Type.BOOLEAN, false,
              "health Suspended (a Rollout paused at a step) at the promoted commit passes"),
          GateSetting.optional("healthOnly", GateSetting.Type.BOOLEAN, false,
              "judge on health alone, for applications whose drift never clears: the last sync must have applied the promoted commit"),
          GateSetting.optional("resources", GateSetting.Type.STRINGS, null,
              "judge the health of these resources (Kind/name or Kind/namespace/name) instead of the whole application")));
      settings.addAll(Cluster.SETTINGS);
      return settings;
    }

    @Override
    public void check(GateSettings s, Problems problems) {
      int named = (s.has("app") ? 1 : 0) + (s.has("apps") ? 1 : 0) + (s.has("selector") ? 1 : 0);
      if (named == 0) {
        problems.add(null, "missing setting 'app' (or 'apps', or 'selector')");
      } else if (named > 1) {
        problems.add(null, "set only one of 'app', 'apps' or 'selector'");
      }
      if (s.has("server")) {
        if (!GateCatalogue.present(s.raw("tokenEnv"))) {
          problems.add(null, "missing setting 'tokenEnv'");
        }
        GateCatalogue.forbid(s, problems, "with 'server' (REST API)", "kubeconfig", "context", "namespace", "selector");
      } else {
        GateCatalogue.forbid(s, problems, "without 'server' (reading the Application resource)", "tokenEnv",
            "insecure", "sync", "appNamespace");
      }
      for (String r : s.texts("resources")) {
        if (!r.matches("[A-Za-z0-9.]+/([^/\\s]+/)?[^/\\s]+")) {
          problems.add("resources", "'resources' entries must be Kind/name or Kind/namespace/name, not '" + r + "'");
        }
      }
    }

    @Override
    public Gate build(GateSettings s, Building building) {
      Targets targets = Targets.of(s.text("app"), s.texts("apps"), s.text("selector"));
      Options options = new Options(s.bool("acceptSuspended"), s.bool("healthOnly"), s.texts("resources"));
      if (s.has("server")) {
        String tokenEnv = s.text("tokenEnv");
        String token = building.env().get(tokenEnv);
        if (token == null || token.isBlank()) {
          throw new InputException("gate argocd " + targets + ": environment variable " + tokenEnv
              + " is not set; it must hold an Argo CD API token", building.where());
        }
        return new ArgoCdGate(targets, options, new RestReader(URI.create(s.text("server")), targets, s.text("appNamespace"),
            token, Http.client(s.bool("insecure")), s.bool("refresh"), s.bool("sync"), Http.REQUEST_TIMEOUT));
      }
      return new ArgoCdGate(targets, options, new ResourceReader(Cluster.of(s, building.env()), s.text("namespace"),
          targets, s.bool("refresh")));
    }
  };

  /**
   * Which Applications a gate names: a list of names, a name pattern with {@code *}, or a label selector.
   */
  record Targets(List<String> names, String pattern, String selector) {
    static Targets of(String app, List<String> apps, String selector) {
      if (selector != null) {
        return new Targets(List.of(), null, selector);
      }
      if (app != null && app.contains("*")) {
        return new Targets(List.of(), app, null);
      }
      return new Targets(app != null ? List.of(app) : List.copyOf(apps), null, null);
    }

    static Targets one(String app) {
      return of(app, List.of(), null);
    }

    boolean single() {
      return names.size() == 1;
    }

    boolean matches(String name) {
      return pattern == null || Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q")).matcher(name).matches();
    }

    @Override
    public String toString() {
      return selector != null ? "selector " + selector : pattern != null ? pattern : String.join(",", names);
    }
  }

  /**
   * How teams differ in judging an Application.
   *
   * @param acceptSuspended health Suspended at the promoted commit passes
   * @param healthOnly drift (OutOfSync) is ignored once the last sync applied the promoted commit
   * @param resources judge these resources' health instead of the application's; empty for the application
   */
  record Options(boolean acceptSuspended, boolean healthOnly, List<String> resources) {
    static final Options DEFAULT = new Options(false, false, List.of());

    Options {
      resources = List.copyOf(resources);
    }
  }

  /** One Application as read, or the answer when it could not be read. */
  record Read(String app, JsonNode application, GateResult answer) {
  }

  /** Reads the Applications; {@code first} is true on the first check of a run. */
  interface Reader extends AutoCloseable {
    /**
     * @throws GateAnswer when nothing could be read (the server did not answer, nothing matches)
     */
    List<Read> read(boolean first);

    @Override
    default void close() {
    }
  }

  private final Targets targets;
  private final Options options;
  private final Reader reader;
  private boolean first = true;

  ArgoCdGate(Targets targets, Options options, Reader reader) {
    this.targets = targets;
    this.options = options;
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
    Targets targets = Targets.one(app);
    return new ArgoCdGate(targets, Options.DEFAULT,
        new RestReader(server, targets, null, token, Http.client(insecure), refresh, sync, timeout));
  }

  /** The annotation that asks Argo CD to compare an Application with git now, as {@code argocd app get --refresh} does. */
  static final String REFRESH_ANNOTATION = "argocd.argoproj.io/refresh";

  /**
   * Through the Application resource in {@code namespace} (Argo CD's own, usually {@code argocd}).
   * With {@code refresh} the first read first annotates the Application for a normal refresh.
   */
  static ArgoCdGate resource(Cluster cluster, String namespace, String app, boolean refresh) {
    return new ArgoCdGate(Targets.one(app), Options.DEFAULT, new ResourceReader(cluster, namespace, Targets.one(app), refresh));
  }

  @Override
  public String name() {
    return "argocd " + targets;
  }

  @Override
  public GateResult check(GateContext context) {
    List<Read> reads;
    try {
      reads = reader.read(first);
      first = false;
    } catch (GateAnswer answer) {
      return answer.result();
    }
    if (targets.single() && reads.size() == 1) {
      Read read = reads.get(0);
      return read.answer() != null ? read.answer() : evaluate(read.app(), read.application(), context, options);
    }
    List<GateResult> results = new ArrayList<>();
    Map<String, Object> apps = new LinkedHashMap<>();
    for (Read read : reads) {
      GateResult result = read.answer() != null ? read.answer() : evaluate(read.app(), read.application(), context, options);
      results.add(result);
      Map<String, Object> each = new LinkedHashMap<>();
      each.put("status", result.status().name());
      each.put("reason", result.reason());
      each.putAll(result.observed());
      apps.put(read.app(), each);
    }
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("applications", apps);
    GateResult worst = PerServiceGate.worst(results, observed);
    if (worst.status() == GateStatus.PASSED) {
      return GateResult.passed("all " + reads.size() + " Applications (" + String.join(", ", apps.keySet())
          + ") are at " + shortId(context.commit()) + " and healthy", observed);
    }
    return worst;
  }

  @Override
  public void close() {
    reader.close();
  }

  /** Judges an Application document (the REST answer and the resource have the same shape), with the default options. */
  static GateResult evaluate(String app, JsonNode application, GateContext context) {
    return evaluate(app, application, context, Options.DEFAULT);
  }

  /** Judges an Application document (the REST answer and the resource have the same shape). */
  static GateResult evaluate(String app, JsonNode application, GateContext context, Options options) {
    JsonNode status = application.path("status");
    JsonNode sources = application.path("spec").path("sources");
    String syncStatus = status.path("sync").path("status").asText("Unknown");
    String revision = revisionOf(status.path("sync"), sources, context);
    String health = status.path("health").path("status").asText("Unknown");
    String healthMessage = status.path("health").path("message").asText("");
    JsonNode operation = status.path("operationState");
    String phase = operation.path("phase").asText("");
    String operationRevision = revisionOf(operation.path("syncResult"), sources, context);
    if (operationRevision == null) {
      operationRevision = revisionOf(operation.path("operation").path("sync"), sources, context);
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
    for (JsonNode condition : status.path("conditions")) {
      if (condition.path("type").asText().equals("ComparisonError")) {
        // Argo CD cannot build the manifests: it may be a passing outage (a repo server down) or a
        // broken commit; retried until the error budget is spent, with Argo CD's words
        return GateResult.errored(app + " has a ComparisonError: " + condition.path("message").asText(""), observed);
      }
    }
    boolean applied = options.healthOnly() && phase.equals("Succeeded") && context.reached(operationRevision);
    if (!atPromoted && !applied) {
      return GateResult.running(app + " is at revision " + shortId(revision) + " (" + syncStatus
          + "), waiting for " + shortId(promoted), observed);
    }
    if (!syncStatus.equals("Synced") && !(options.healthOnly() && applied)) {
      return GateResult.running(app + " is " + syncStatus + " at " + shortId(promoted), observed);
    }
    if (application.path("operation").isObject() && application.path("operation").size() > 0) {
      return GateResult.running("a sync of " + app + " was requested and has not run yet", observed);
    }
    if (phase.equals("Running") || phase.equals("Terminating")) {
      return GateResult.running("sync of " + app + " is " + phase, observed);
    }
    Instant reconciled = instant(status.path("reconciledAt").asText(""));
    Instant finished = instant(operation.path("finishedAt").asText(""));
    if (reconciled != null && finished != null && reconciled.isBefore(finished)) {
      return GateResult.running(app + " was not reconciled since its sync finished at " + finished
          + ": its health predates the sync", observed);
    }
    if (!options.resources().isEmpty()) {
      return resourcesHealth(app, status.path("resources"), options.resources(), shortId(promoted), observed);
    }
    String at = (syncStatus.equals("Synced") ? "Synced to " : syncStatus + " (healthOnly) at ") + shortId(promoted);
    return switch (health) {
      case "Healthy" -> GateResult.passed(app + " is " + at + " and Healthy", observed);
      case "Degraded" -> GateResult.failed(app + " is Degraded at " + shortId(promoted)
          + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed);
      case "Suspended" -> options.acceptSuspended()
          ? GateResult.passed(app + " is " + at + " and Suspended (acceptSuspended)"
              + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed)
          : GateResult.running(app + " is " + at + " and Suspended"
              + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed);
      default -> GateResult.running(app + " is " + at + " and " + health
          + (healthMessage.isEmpty() ? "" : ": " + healthMessage), observed);
    };
  }

  /** The health of the named resources of {@code status.resources}: all Healthy passes, one Degraded fails. */
  private static GateResult resourcesHealth(String app, JsonNode resources, List<String> wanted, String at,
      Map<String, Object> observed) {
    Map<String, Object> healths = new LinkedHashMap<>();
    GateResult answer = null;
    for (String want : wanted) {
      String[] parts = want.split("/");
      JsonNode found = null;
      for (JsonNode r : resources) {
        boolean same = r.path("kind").asText().equals(parts[0]) && r.path("name").asText().equals(parts[parts.length - 1])
            && (parts.length == 2 || r.path("namespace").asText().equals(parts[1]));
        if (same) {
          found = r;
          break;
        }
      }
      String health = found == null ? "Missing" : found.path("health").path("status").asText("Unknown");
      String message = found == null ? "" : found.path("health").path("message").asText("");
      healths.put(want, health);
      if (health.equals("Degraded")) {
        observed.put("resources", healths);
        return GateResult.failed(want + " of " + app + " is Degraded at " + at + (message.isEmpty() ? "" : ": " + message), observed);
      }
      if (!health.equals("Healthy") && answer == null) {
        answer = GateResult.running(want + " of " + app + " is " + health + (message.isEmpty() ? "" : ": " + message), observed);
      }
    }
    observed.put("resources", healths);
    return answer != null ? new GateResult(answer.status(), answer.reason(), observed)
        : GateResult.passed(app + " is Synced to " + at + " and " + String.join(", ", wanted) + " Healthy", observed);
  }

  private static Instant instant(String text) {
    try {
      return text.isEmpty() ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
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

  /**
   * {@code revision}; for a multi-source Application the revision of the environment repository's
   * source: the source whose {@code repoURL} is that repository, else the first revision that
   * reaches the promoted commit (another repository's commits never do), else the first.
   */
  static String revisionOf(JsonNode node, JsonNode sources, GateContext context) {
    if (node.hasNonNull("revision") && !node.get("revision").asText().isEmpty()) {
      return node.get("revision").asText();
    }
    JsonNode revisions = node.path("revisions");
    if (!revisions.isArray() || revisions.isEmpty()) {
      return null;
    }
    if (context.repoUrl() != null && sources.isArray()) {
      String want = sameRepo(context.repoUrl());
      for (int i = 0; i < sources.size() && i < revisions.size(); i++) {
        if (sameRepo(sources.get(i).path("repoURL").asText("")).equals(want)) {
          return revisions.get(i).asText();
        }
      }
    }
    for (JsonNode r : revisions) {
      if (context.reached(r.asText())) {
        return r.asText();
      }
    }
    return revisions.get(0).asText();
  }

  /** A repository URL reduced to host and path, as Argo CD normalises them (no scheme, user, .git, trailing /). */
  static String sameRepo(String url) {
    String u = url.trim().toLowerCase(Locale.ROOT).replaceFirst("^[a-z+]+://", "").replaceFirst("^[^@/]*@", "");
    u = u.replaceFirst("^([^/:]+):(?!\\d)", "$1/"); // scp-like git@host:org/repo
    return u.replaceAll("/+$", "").replaceAll("\\.git$", "");
  }

  static String shortId(String commit) {
    return commit == null ? "(none)" : commit.length() > 12 ? commit.substring(0, 12) : commit;
  }

  /** Reads the Application resources through the Kubernetes API. */
  private static final class ResourceReader implements Reader {
    private final Cluster cluster;
    private final String namespace;
    private final Targets targets;
    private final boolean refresh;

    ResourceReader(Cluster cluster, String namespace, Targets targets, boolean refresh) {
      this.cluster = cluster;
      this.namespace = namespace;
      this.targets = targets;
      this.refresh = refresh;
    }

    @Override
    public List<Read> read(boolean first) {
      String what = "Applications " + targets + " in " + namespace;
      List<Read> reads = new ArrayList<>();
      try {
        var applications = cluster.client().genericKubernetesResources(APPLICATIONS).inNamespace(namespace);
        if (!targets.names().isEmpty()) {
          for (String app : targets.names()) {
            var application = applications.withName(app);
            if (first && refresh) {
              refresh(application);
            }
            GenericKubernetesResource resource = application.get();
            reads.add(resource == null
                ? new Read(app, null, GateResult.failed("Application " + namespace + "/" + app + " not found in " + cluster.describe()))
                : new Read(app, Http.json().valueToTree(resource), null));
          }
          return reads;
        }
        List<GenericKubernetesResource> found = targets.selector() != null
            ? applications.withLabelSelector(targets.selector()).list().getItems()
            : applications.list().getItems();
        for (GenericKubernetesResource resource : found) {
          String app = resource.getMetadata().getName();
          if (targets.matches(app)) {
            if (first && refresh) {
              refresh(applications.withName(app));
            }
            reads.add(new Read(app, Http.json().valueToTree(resource), null));
          }
        }
      } catch (KubernetesClientException e) {
        throw new GateAnswer(Cluster.answer(e, what));
      }
      if (reads.isEmpty()) {
        throw new GateAnswer(GateResult.failed("no Application matches " + targets + " in " + namespace + " in " + cluster.describe()));
      }
      return reads;
    }

    private static void refresh(io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> application) {
      try {
        application.patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"metadata\":{\"annotations\":{\"" + REFRESH_ANNOTATION + "\":\"normal\"}}}");
      } catch (KubernetesClientException e) {
        if (e.getCode() != 404 && e.getCode() != 403) {
          throw e;
        }
        // missing: reported by the read; not allowed to patch: Argo CD refreshes on its own schedule
      }
    }

    @Override
    public void close() {
      cluster.close();
    }
  }

  /** Reads the Applications through the Argo CD REST API. */
  private static final class RestReader implements Reader {
    private final URI server;
    private final Targets targets;
    private final String appNamespace;
    private final String token;
    private final HttpClient http;
    private final boolean refresh;
    private final java.time.Duration timeout;
    private final String app;
    private boolean syncPending;

    RestReader(URI server, Targets targets, String appNamespace, String token, HttpClient http, boolean refresh,
        boolean sync, java.time.Duration timeout) {
      this.timeout = timeout;
      this.server = server;
      this.targets = targets;
      this.appNamespace = appNamespace;
      this.app = targets.toString();
      this.token = token;
      this.http = http;
      this.refresh = refresh;
      this.syncPending = sync;
    }

    private String base() {
      return server.toString().replaceAll("/+$", "") + "/api/v1/applications";
    }

    /** The query of a request: {@code refresh} and {@code appNamespace} when set. */
    private String query(boolean withRefresh) {
      List<String> params = new ArrayList<>();
      if (withRefresh) {
        params.add("refresh=normal");
      }
      if (appNamespace != null) {
        params.add("appNamespace=" + URLEncoder.encode(appNamespace, StandardCharsets.UTF_8));
      }
      return params.isEmpty() ? "" : "?" + String.join("&", params);
    }

    @Override
    public List<Read> read(boolean first) {
      List<String> names = targets.names();
      Map<String, JsonNode> listed = new LinkedHashMap<>();
      if (names.isEmpty()) {
        // a name pattern: one list request names the Applications (an ApplicationSet may add more)
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + query(false))).GET(), "list", app);
        if (r.statusCode() != 200) {
          throw new GateAnswer(answer(r, "list", app));
        }
        for (JsonNode item : parse(r.body(), app).path("items")) {
          String name = item.path("metadata").path("name").asText();
          if (targets.matches(name)) {
            listed.put(name, item);
          }
        }
        if (listed.isEmpty()) {
          throw new GateAnswer(GateResult.failed("no Application at " + HttpGate.withoutCredentials(server)
              + " matches " + app + (appNamespace == null ? "" : " in " + appNamespace)));
        }
        names = List.copyOf(listed.keySet());
      }
      if (syncPending) {
        for (String name : names) {
          HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/" + encode(name) + "/sync" + query(false)))
              .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json"), "sync", name);
          // another operation in progress means a sync is already under way: good enough
          if (r.statusCode() / 100 != 2 && !r.body().contains("in progress")) {
            throw new GateAnswer(answer(r, "sync", name));
          }
        }
        syncPending = false;
      }
      List<Read> reads = new ArrayList<>();
      for (String name : names) {
        if (listed.containsKey(name) && !(first && refresh)) {
          reads.add(new Read(name, listed.get(name), null));
          continue;
        }
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base() + "/" + encode(name) + query(first && refresh))).GET(),
            "read", name);
        if (r.statusCode() != 200) {
          GateResult answer = answer(r, "read", name);
          if (targets.single() || answer.status() == GateStatus.ERRORED) {
            throw new GateAnswer(answer);
          }
          reads.add(new Read(name, null, answer));
        } else {
          reads.add(new Read(name, parse(r.body(), name), null));
        }
      }
      return reads;
    }

    private static String encode(String name) {
      return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private JsonNode parse(String body, String what) {
      try {
        return Http.json().readTree(body);
      } catch (IOException e) {
        throw new GateAnswer(GateResult.errored("Argo CD at " + HttpGate.withoutCredentials(server) + " answered with invalid JSON for " + what));
      }
    }

    private HttpResponse<String> send(HttpRequest.Builder request, String action, String app) {
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

    private GateResult answer(HttpResponse<String> r, String action, String app) {
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
        JsonNode node = Http.json().readTree(body);
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
