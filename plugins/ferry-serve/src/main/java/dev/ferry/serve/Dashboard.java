package dev.ferry.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.Plan;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.metrics.DeliveryRecords;
import dev.ferry.core.metrics.Exposition;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.RollbackResult;
import dev.ferry.core.promote.Status;
import dev.ferry.core.promote.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ferry serve}: the matrix of services by environments, a page per service, a comparison
 * of two environments, and promote, roll back and release through the same {@link Promoter} as the
 * CLI, each after showing its plan and asking for confirmation. A thin front end: it reads through
 * {@link Board} (the core's Status and History) and acts through the core; the policy, approvals
 * and blocks are the core's.
 *
 * <p>The server is the JDK's {@code com.sun.net.httpserver}: the dashboard needs a dozen routes,
 * form posts and one event stream, which it does without a dependency, so ferry.jar grows by these
 * classes only and no command's start-up pays for a web framework.
 *
 * <p>All git work (the periodic read, the reads a push webhook asks for, plans and actions) runs on
 * one thread, one at a time: pages render the last {@link Board} and never wait for git.
 *
 * <pre>{@code
 * try (Dashboard d = Dashboard.start(config, listener -> new Promoter(config, ctx), ServeOptions.loopback(8080, "me"))) {
 *   System.out.println(d.url());
 * }
 * }</pre>
 */
public final class Dashboard implements AutoCloseable {

  private static final Duration PLAN_TIMEOUT = Duration.ofMinutes(2);
  private static final int KEPT_JOBS = 200;

  private final FerryConfig config;
  private final PromoterFactory promoters;
  private final ServeOptions options;
  private final Access access;
  private final Csrf csrf = new Csrf();
  private final Webhooks webhooks;
  private final Clock clock;
  private final ScheduledExecutorService git;
  private final ExecutorService http;
  private final HttpServer server;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private final Routes routes = new Routes();
  private volatile Board board;
  private volatile String readError;

  private Dashboard(FerryConfig config, PromoterFactory promoters, ServeOptions options, Clock clock) throws IOException {
    this.config = config;
    this.promoters = promoters;
    this.options = options;
    this.clock = clock;
    this.access = Access.of(options.bind(), options.localUser(), options.trustedProxies(), options.tokensFile(),
        options.readOnly());
    this.webhooks = new Webhooks(options.webhookSecret());
    this.git = Executors.newSingleThreadScheduledExecutor(daemon("ferry-serve-git"));
    this.board = read();
    this.http = Executors.newFixedThreadPool(16, daemon("ferry-serve-http"));
    this.server = HttpServer.create(new InetSocketAddress(options.bind(), options.port()), 64);
    server.setExecutor(http);
    server.createContext("/", this::dispatch);
    routes();
  }

  /**
   * Reads the board once (so the first page is complete), then listens, and reads again every
   * {@code options.refresh()} and whenever a push webhook arrives.
   */
  public static Dashboard start(FerryConfig config, PromoterFactory promoters, ServeOptions options) throws IOException {
    return start(config, promoters, options, Clock.systemUTC());
  }

  static Dashboard start(FerryConfig config, PromoterFactory promoters, ServeOptions options, Clock clock) throws IOException {
    Dashboard d = new Dashboard(config, promoters, options, clock);
    d.server.start();
    long every = Math.max(1, options.refresh().toMillis());
    d.git.scheduleWithFixedDelay(d::refresh, every, every, TimeUnit.MILLISECONDS);
    return d;
  }

  /** Every route of the dashboard. */
  private void routes() {
    routes.get("/", Routes.Guard.VIEW, this::matrix)
        .get("/services/{service}", Routes.Guard.VIEW, this::service)
        .get("/compare", Routes.Guard.VIEW, this::compare)
        .get("/promote", Routes.Guard.VIEW, this::promotePlan)
        .post("/promote", Routes.Guard.ACT, this::promote)
        .get("/rollback", Routes.Guard.VIEW, this::rollbackPlan)
        .post("/rollback", Routes.Guard.ACT, this::rollback)
        .get("/release", Routes.Guard.VIEW, this::releasePlan)
        .post("/release", Routes.Guard.ACT, this::release)
        .get("/jobs/{job}", Routes.Guard.VIEW, this::job)
        .get("/jobs/{job}/events", Routes.Guard.VIEW, this::jobEvents)
        .get("/metrics", Routes.Guard.VIEW, this::metrics)
        .post("/hooks/git", Routes.Guard.PUBLIC, this::webhook)
        .get("/static/{file}", Routes.Guard.PUBLIC, this::asset);
  }

  /**
   * The matrix page as {@code GET /} renders it for {@code user} (who may act everywhere), without a
   * filter: what the benchmark measures.
   */
  public static String matrixPage(Board board, String user, Instant now) {
    Pages.Viewer viewer = new Pages.Viewer(user, new Csrf().token(user), false, env -> true);
    return Pages.page("Matrix", viewer, Pages.matrix(board, viewer, "", "", now, true));
  }

  /** {@code http://HOST:PORT/}. */
  public String url() {
    var a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/";
  }

  /** The last board read. */
  public Board board() {
    return board;
  }

  // ---------------------------------------------------------------- dispatch and guards

  private void dispatch(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    List<String> allowed = new ArrayList<>();
    Optional<Routes.Match> match = routes.match(exchange.getRequestMethod(), path, allowed);
    Request request = new Request(exchange, match.map(Routes.Match::params).orElse(Map.of()));
    try {
      if (match.isEmpty()) {
        if (!allowed.isEmpty()) {
          exchange.getResponseHeaders().set("Allow", String.join(", ", allowed));
          throw new Request.BadRequest(405, exchange.getRequestMethod() + " is not allowed on " + path);
        }
        throw new Request.BadRequest(404, "no page at " + path);
      }
      Routes.Route route = match.get().route();
      if (route.guard() != Routes.Guard.PUBLIC) {
        request.user = access.user(exchange.getRemoteAddress().getAddress(), request::header).orElse(null);
        if (request.user == null) {
          exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"ferry\"");
          throw new Request.BadRequest(401, "sign in: this dashboard needs to know who you are"
              + " (through the reverse proxy, or a bearer token)");
        }
      }
      if (route.guard() == Routes.Guard.ACT) {
        if (access.readOnly()) {
          throw new Request.BadRequest(403, "this dashboard is read-only");
        }
        String origin = request.header("Origin");
        String host = request.header("Host");
        if (origin != null && host != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
          throw new Request.BadRequest(403, "the form was sent from another site (" + origin + ")");
        }
        if (!csrf.valid(request.user, request.form().get(Csrf.FIELD))) {
          throw new Request.BadRequest(403, "the form's CSRF token is missing or not yours: reload the page and try again");
        }
      }
      route.handler().handle(request);
    } catch (Request.BadRequest e) {
      problem(request, e.status, e.status == 401 ? "Sign in" : e.status >= 403 && e.status < 404 ? "Not allowed" : "Bad request",
          e.getMessage());
    } catch (InputException e) {
      problem(request, 400, "Bad request", e.getMessage());
    } catch (RefusedException e) {
      problem(request, 409, "Refused", e.getMessage());
    } catch (FerryException e) {
      problem(request, 502, "A system Ferry depends on failed", e.getMessage());
    } catch (RuntimeException e) {
      problem(request, 500, "Ferry failed", e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      exchange.close();
    }
  }

  private void problem(Request r, int status, String title, String message) throws IOException {
    r.html(status, Pages.page(title, viewer(r), Pages.problem(title, message)));
  }

  private Pages.Viewer viewer(Request r) {
    return new Pages.Viewer(r.user, r.user == null ? null : csrf.token(r.user), access.readOnly(),
        env -> config.environment(env).mayOperate(r.user));
  }

  private void mayOperate(Request r, String environment) {
    EnvironmentConfig env = config.environment(environment);
    if (!env.mayOperate(r.user)) {
      throw new Request.BadRequest(403, r.user + " may not act on '" + environment + "' (operators: "
          + String.join(", ", env.operators()) + ")");
    }
  }

  // ---------------------------------------------------------------- pages

  private void matrix(Request r) throws IOException {
    String q = r.query.getOrDefault("q", "");
    if (q.length() > 200) {
      throw new Request.BadRequest(400, "the filter is longer than 200 characters");
    }
    String state = r.query.getOrDefault("state", "");
    if (!state.isEmpty() && !Pages.STATES.contains(state)) {
      throw new Request.BadRequest(400, "unknown state '" + state + "' (known: " + String.join(", ", Pages.STATES) + ")");
    }
    r.html(200, Pages.page("Matrix", viewer(r), banner() + Pages.matrix(board, viewer(r), q, state, clock.instant(), true)));
  }

  private void service(Request r) throws IOException {
    String service = r.name(r.params, "service");
    config.service(service);
    r.html(200, Pages.page(service, viewer(r), banner() + Pages.service(board, viewer(r), service, clock.instant())));
  }

  private void compare(Request r) throws IOException {
    List<String> envs = board.environments();
    String from = r.query.containsKey("from") ? r.name(r.query, "from") : envs.size() > 1 ? envs.get(envs.size() - 2) : null;
    String to = r.query.containsKey("to") ? r.name(r.query, "to") : envs.isEmpty() ? null : envs.get(envs.size() - 1);
    if (from != null) {
      config.environment(from);
    }
    if (to != null) {
      config.environment(to);
    }
    Plan plan = null;
    String service = null;
    if (r.query.containsKey("service") && from != null && to != null) {
      service = r.name(r.query, "service");
      config.service(service);
      Status.Cell cell = board.cell(service, from).orElseThrow(() ->
          new Request.BadRequest(404, "no image of that service in '" + r.query.get("from") + "'"));
      PromotionRequest req = PromotionRequest.to(to).image(service, ImageRef.parse(cell.image()));
      plan = onGit(() -> {
        try (Promoter p = promoters.open(FerryListener.NONE)) {
          return p.plan(req);
        }
      });
    }
    r.html(200, Pages.page("Compare", viewer(r), Pages.compare(board, from, to, service, plan)));
  }

  private void promotePlan(Request r) throws IOException {
    String service = r.name(r.query, "service");
    config.service(service);
    ImageRef image;
    String from = null;
    if (r.query.containsKey("image")) {
      image = ImageRef.parse(r.query.get("image"));
    } else {
      from = r.name(r.query, "from");
      config.environment(from);
      String f = from;
      image = ImageRef.parse(board.cell(service, from).orElseThrow(() ->
          new Request.BadRequest(404, service + " has no image in '" + f + "'")).image());
    }
    String to;
    if (r.query.containsKey("to")) {
      to = r.name(r.query, "to");
    } else if (from != null) {
      String f = from;
      to = board.next(from).orElseThrow(() -> new Request.BadRequest(400, "no environment comes after '" + f + "'"));
    } else {
      throw new Request.BadRequest(400, "'to' is required with 'image'");
    }
    EnvironmentConfig env = config.environment(to);
    mayOperate(r, to);
    String user = r.user;
    PromotionRequest req = PromotionRequest.to(to).image(service, image)
        .approvedBy(env.approvalRequired() ? user : null);
    Plan plan = onGit(() -> {
      try (Promoter p = promoters.open(FerryListener.NONE)) {
        return p.plan(req);
      }
    });
    r.html(200, Pages.page("Promote " + service, viewer(r),
        Pages.promotePlan(board, viewer(r), service, plan, !env.gates().isEmpty() && !access.readOnly())));
  }

  private void rollbackPlan(Request r) throws IOException {
    String service = r.name(r.query, "service");
    String env = r.name(r.query, "env");
    config.service(service);
    config.environment(env);
    mayOperate(r, env);
    Status.Cell cell = board.cell(service, env).orElseThrow(() ->
        new Request.BadRequest(404, service + " has no image in '" + env + "'"));
    r.html(200, Pages.page("Roll back " + service, viewer(r), Pages.rollbackPlan(viewer(r), service, env, cell)));
  }

  private void releasePlan(Request r) throws IOException {
    String service = r.name(r.query, "service");
    String env = r.name(r.query, "env");
    config.service(service);
    config.environment(env);
    mayOperate(r, env);
    ImageRef image = ImageRef.parse(Optional.ofNullable(r.query.get("image"))
        .orElseThrow(() -> new Request.BadRequest(400, "'image' is required")));
    Status.Block block = board.blocks().stream()
        .filter(b -> b.service().equals(service) && b.environment().equals(env)
            && ImageRef.parse(b.image()).sameVersion(image))
        .findFirst()
        .orElseThrow(() -> new Request.BadRequest(404, service + " " + image + " is not blocked in '" + env + "'"));
    r.html(200, Pages.page("Release " + service, viewer(r), Pages.releasePlan(viewer(r), block)));
  }

  // ---------------------------------------------------------------- actions

  private void promote(Request r) throws IOException {
    String service = name(r.field("service"), "service");
    String to = name(r.field("to"), "to");
    config.service(service);
    EnvironmentConfig env = config.environment(to);
    mayOperate(r, to);
    ImageRef image = ImageRef.parse(r.field("image"));
    boolean approve = "yes".equals(r.form().get("approve"));
    boolean verify = "yes".equals(r.form().get("verify"));
    PromotionRequest req = PromotionRequest.to(to).image(service, image).promotedBy(r.user);
    if (env.approvalRequired() && approve) {
      req = req.approvedBy(r.user).approvalSource("ferry-serve");
    }
    PromotionRequest request = req;
    Job job = job("Promote " + service + " " + Pages.tag(image.toString()) + " to " + to, r.user);
    run(job, promoter -> {
      PromotionResult result;
      if (verify) {
        Verifier.PromoteVerifyResult v = new Verifier(promoter, Sleeper.SYSTEM).promoteAndVerify(request, null);
        result = v.promotion();
        describe(job, result);
        if (!v.passed()) {
          job.conclude(Job.State.FAILED, "verification of '" + to + "' failed: " + v.failure().orElse("")
              + (v.verification().rollbacks().isEmpty() ? "" : "; rolled back"));
          return;
        }
      } else {
        result = promoter.promote(request);
        describe(job, result);
      }
      job.conclude(Job.State.DONE, (result.noop() ? "Already in place: " : result.mode().equals("pull-request")
          ? "Pushed the pull-request branch " + result.branch() + " for " : "Promoted ") + describe(result.images())
          + " to " + to + (verify ? ", verified" : "") + ".");
    });
    r.redirect("/jobs/" + job.id);
  }

  private static void describe(Job job, PromotionResult result) {
    job.fact("commit", result.commit());
    job.fact("branch", result.branch());
    job.fact("mode", result.mode());
    job.fact("files", String.join(", ", result.files()));
    job.fact("promotion", result.promotionId());
  }

  private static String describe(Map<String, String> images) {
    List<String> parts = new ArrayList<>();
    images.forEach((s, i) -> parts.add(s + " " + Pages.tag(i)));
    return String.join(", ", parts);
  }

  private void rollback(Request r) throws IOException {
    String service = name(r.field("service"), "service");
    String env = name(r.field("env"), "env");
    config.service(service);
    config.environment(env);
    mayOperate(r, env);
    String reason = r.field("reason").strip();
    if (reason.length() > 300 || reason.chars().anyMatch(c -> c < 0x20)) {
      throw new Request.BadRequest(400, "the reason must be one line of at most 300 characters");
    }
    Job job = job("Roll back " + service + " in " + env, r.user);
    String user = r.user;
    run(job, promoter -> {
      RollbackResult result = promoter.rollback(env, service, reason, user);
      job.fact("commit", result.commit());
      job.fact("restored", result.restored());
      job.fact("blocked", result.blocked());
      job.conclude(Job.State.DONE, "Rolled back " + service + " in " + env + " to " + Pages.tag(result.restored())
          + "; " + Pages.tag(result.blocked()) + " is blocked there.");
    });
    r.redirect("/jobs/" + job.id);
  }

  private void release(Request r) throws IOException {
    String service = name(r.field("service"), "service");
    String env = name(r.field("env"), "env");
    config.service(service);
    config.environment(env);
    mayOperate(r, env);
    ImageRef image = ImageRef.parse(r.field("image"));
    Job job = job("Release " + service + " " + Pages.tag(image.toString()) + " in " + env, r.user);
    String user = r.user;
    run(job, promoter -> {
      String commit = promoter.release(env, service, image, user);
      job.fact("block commit", commit);
      job.conclude(Job.State.DONE, "Released " + service + " " + image + " in " + env + ".");
    });
    r.redirect("/jobs/" + job.id);
  }

  private static String name(String value, String key) {
    if (!Names.valid(value)) {
      throw new Request.BadRequest(400, "'" + key + "' is not a name: letters, digits, . _ @ + - (at most 128)");
    }
    return value;
  }

  private void job(Request r) throws IOException {
    Job job = findJob(r);
    r.html(200, Pages.page(job.title, viewer(r), Pages.job(job)));
  }

  private Job findJob(Request r) {
    String id = r.params.get("job");
    Job job;
    synchronized (jobs) {
      job = id != null && id.matches("[0-9a-f]{16}") ? jobs.get(id) : null;
    }
    if (job == null) {
      throw new Request.BadRequest(404, "no such action (the dashboard keeps the last " + KEPT_JOBS + ")");
    }
    return job;
  }

  /** Server-sent events: each progress line as it comes, then {@code end} with the outcome. */
  private void jobEvents(Request r) throws IOException {
    Job job = findJob(r);
    HttpExchange ex = r.exchange;
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    Request.securityHeaders(ex.getResponseHeaders());
    ex.sendResponseHeaders(200, 0);
    long until = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    try (OutputStream out = ex.getResponseBody()) {
      int sent = 0;
      try {
        sent = Math.max(0, Integer.parseInt(r.query.getOrDefault("from", "0")));
      } catch (NumberFormatException e) {
        sent = 0;
      }
      while (System.nanoTime() < until) {
        List<String> lines = job.linesFrom(sent, 10_000);
        StringBuilder b = new StringBuilder();
        for (String line : lines) {
          b.append("data: ").append(line.replace('\r', ' ').replace('\n', ' ')).append("\n\n");
        }
        if (lines.isEmpty()) {
          b.append(": waiting\n\n"); // keeps proxies from closing an idle stream
        }
        sent += lines.size();
        boolean ended = job.state() != Job.State.RUNNING && job.linesFrom(sent, 0).isEmpty();
        if (ended) {
          b.append("event: end\ndata: ").append(job.state().name().toLowerCase(java.util.Locale.ROOT)).append("\n\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (ended) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException closedByBrowser) {
      // the page went away; the job runs on
    }
  }

  private void webhook(Request r) throws IOException {
    byte[] body = r.body();
    switch (webhooks.check(body, r::header)) {
      case ACCEPTED -> {
        queueRefresh();
        r.send(202, "text/plain; charset=utf-8", "fetching\n".getBytes(StandardCharsets.UTF_8));
      }
      case NO_SIGNATURE -> throw new Request.BadRequest(401, "the webhook carries no signature or token"
          + " (X-Hub-Signature-256, X-Gitea-Signature or X-Gitlab-Token)");
      case BAD_SIGNATURE -> throw new Request.BadRequest(401, "the webhook's signature or token does not match the secret");
    }
  }

  /** The delivery metrics as read at {@code at}; a scrape within the refresh interval gets the same. */
  private record Exposed(io.prometheus.metrics.model.snapshots.MetricSnapshots snapshots, Instant at) {
  }

  private volatile Exposed exposed;

  /**
   * {@code GET /metrics}: the DORA keys and Ferry's counters in the Prometheus text format, or
   * OpenMetrics when the scraper asks for it (docs/metrics.md). Read from git on the git thread, at
   * most once per refresh interval however often Prometheus scrapes.
   */
  private void metrics(Request r) throws IOException {
    Exposed e = exposed;
    if (e == null || !e.at().plus(options.refresh()).isAfter(clock.instant())) {
      e = onGit(() -> {
        try (Promoter p = promoters.open(FerryListener.NONE)) {
          DeliveryRecords records = DeliveryRecords.read(p, List.of(), null);
          Instant at = clock.instant();
          return new Exposed(records.snapshots(records.report(config.metrics().since(), at,
              config.metrics().targets()), at), at);
        }
      });
      exposed = e;
    }
    String accept = r.header("Accept");
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    Exposition.write(body, e.snapshots(), accept);
    r.send(200, Exposition.contentType(accept), body.toByteArray());
  }

  private void asset(Request r) throws IOException {
    String file = r.params.get("file");
    String type = file.endsWith(".css") ? "text/css; charset=utf-8" : file.endsWith(".js") ? "text/javascript; charset=utf-8" : null;
    if (type == null || !file.matches("[a-z-]+\\.(css|js)")) {
      throw new Request.BadRequest(404, "no such file");
    }
    try (InputStream in = Dashboard.class.getResourceAsStream("static/" + file)) {
      if (in == null) {
        throw new Request.BadRequest(404, "no such file");
      }
      r.exchange.getResponseHeaders().set("Cache-Control", "max-age=300");
      r.send(200, type, in.readAllBytes());
    }
  }

  static String css() {
    try (InputStream in = Dashboard.class.getResourceAsStream("static/ferry.css")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("ferry.css is missing from the jar", e);
    }
  }

  // ---------------------------------------------------------------- git work, one at a time

  private interface Action {
    void run(Promoter promoter);
  }

  private Job job(String title, String user) {
    byte[] id = new byte[8];
    new SecureRandom().nextBytes(id);
    Job job = new Job(HexFormat.of().formatHex(id), title, user);
    synchronized (jobs) {
      jobs.put(job.id, job);
      while (jobs.size() > KEPT_JOBS) {
        jobs.remove(jobs.keySet().iterator().next());
      }
    }
    return job;
  }

  private void run(Job job, Action action) {
    git.execute(() -> {
      try (Promoter promoter = promoters.open(job)) {
        action.run(promoter);
      } catch (RefusedException e) {
        job.conclude(Job.State.REFUSED, e.getMessage());
      } catch (FerryException e) {
        job.conclude(Job.State.FAILED, e.getMessage());
      } catch (RuntimeException e) {
        job.conclude(Job.State.FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      // the page that says "done" must show the new state: read the board before telling it
      refresh();
      job.publish();
    });
  }

  private <T> T onGit(Callable<T> work) {
    Future<T> f = git.submit(work);
    try {
      return f.get(PLAN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new Request.BadRequest(504, "git did not answer within " + PLAN_TIMEOUT.toMinutes() + " minutes");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Request.BadRequest(503, "the dashboard is stopping");
    }
  }

  private void queueRefresh() {
    if (refreshQueued.compareAndSet(false, true)) {
      git.execute(() -> {
        refreshQueued.set(false);
        refresh();
      });
    }
  }

  private Board read() {
    try (Promoter p = promoters.open(FerryListener.NONE)) {
      return Board.read(p, clock.instant());
    }
  }

  /** Reads the board again; a failure keeps the last board and shows the error above every page. */
  private void refresh() {
    try {
      board = read();
      readError = null;
    } catch (RuntimeException e) {
      readError = e.getMessage();
    }
  }

  /** Reads the board now, on the git thread, and waits for it (tests, and after an action). */
  public Board refreshNow() {
    onGit(() -> {
      refresh();
      return null;
    });
    return board;
  }

  private String banner() {
    String error = readError;
    return error == null ? "" : new Html().element("p", "Could not read git; showing what was read at " + board.readAt()
        + ": " + error, "class", "banner", "role", "alert").toString();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    git.shutdownNow();
    http.shutdownNow();
  }
}
