package dev.ferry.cli;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.ExternalException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.ImageResolver;
import dev.ferry.core.promote.Plan;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.PromotionResult;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromoterContext;
import dev.ferry.core.promote.Status;
import dev.ferry.core.promote.Verifier;
import dev.ferry.serve.Dashboard;
import dev.ferry.serve.ServeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry demo}: Ferry's main job on an embedded default. It lays out a local environment
 * repository (a Helm chart, a Kustomize overlay, three environments), then promotes two services
 * dev → staging → prod with plans, policy checks, a health gate, an approval, and a bad version
 * that fails its gate and is rolled back and blocked. No network, no outside services.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run a realistic promotion dev -> staging -> prod on local git repositories.")
public final class DemoCommand implements Callable<Integer> {

  private static final String WEB = "registry.example.com/shop/web";
  private static final String API = "registry.example.com/shop/api";

  @Mixin CommonOptions common;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", description = "Workspace to create (default: a new temporary folder).")
  Path dir;

  @Option(names = "--serve", description = "At the end, serve the demo workspace with 'ferry serve' and print its URL.")
  boolean serve;

  @Option(names = "--port", defaultValue = "0", paramLabel = "N",
      description = "With --serve: the port (default: any free one).")
  int port;

  private Console console;

  @Override
  public Integer call() throws Exception {
    console = Console.of(spec.commandLine());
    Path workspace = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("ferry-demo-");
    if (Files.exists(workspace.resolve("env.git"))) {
      throw new dev.ferry.core.InputException(workspace + " already holds a demo; give another --dir");
    }
    Path bare = seedRepository(workspace);
    HttpServer cluster = startCluster(bare);
    try {
      Path configFile = workspace.resolve("ferry.yaml");
      Files.writeString(configFile, resource("ferry.yaml").replace("@HEALTH_PORT@",
          String.valueOf(cluster.getAddress().getPort())));
      FerryConfig config = ConfigLoader.load(configFile);
      PromoterContext context = PromoterContext.defaults(ImageResolver.AS_GIVEN, GateProgress.of(console))
          .withCacheRoot(workspace.resolve("cache"));
      try (Promoter promoter = new Promoter(config, context)) {
        run(promoter, workspace);
      }
      if (serve) {
        // the stand-in health endpoint keeps running, so that a promotion with verification works from the page
        ServeOptions options = ServeCommand.options("127.0.0.1", port, Duration.ofSeconds(5), false, List.of(), null, null);
        try (Dashboard dashboard = ServeCommand.start(config, listener -> new Promoter(config,
            PromoterContext.defaults(ImageResolver.AS_GIVEN, listener).withCacheRoot(workspace.resolve("cache"))), options)) {
          out("\nThe same workspace, in the dashboard: ferry serve -c " + configFile);
          return ServeCommand.serve(console, dashboard);
        }
      }
    } finally {
      cluster.stop(0);
    }
    return 0;
  }

  private void run(Promoter promoter, Path workspace) {
    Verifier verifier = new Verifier(promoter, Sleeper.SYSTEM).interval(Duration.ofMillis(250));
    ImageRef web14 = ImageRef.parse(WEB + ":1.4.2@sha256:" + "4f".repeat(32));
    ImageRef api21 = ImageRef.parse(API + ":2.1.0@sha256:" + "a7".repeat(32));
    ImageRef web15 = ImageRef.parse(WEB + ":1.5.0@sha256:" + "e3".repeat(32));

    step("1. Plan web 1.4.2 and api 2.1.0 into dev (render: true renders the chart and the overlay)");
    PromotionRequest toDev = PromotionRequest.to("dev").image("web", web14).image("api", api21).source("demo");
    Plan plan = promoter.plan(toDev);
    out(PlanText.of(plan));

    step("2. Promote both to dev as one commit, and verify dev (no gates: recorded as verified)");
    show(promoter.promote(toDev));
    verifier.verify("dev", List.of(), null);

    step("3. Promote web 1.4.2 straight to prod: refused, prod takes only images verified in staging");
    try {
      promoter.promote(PromotionRequest.to("prod").image("web", web14).approvedBy("alice"));
      throw new IllegalStateException("the demo expected prod to refuse this promotion");
    } catch (RefusedException expected) {
      out(expected.getMessage());
    }

    step("4. Promote both to staging and verify: the health gate passes");
    Verifier.PromoteVerifyResult staging = verifier.promoteAndVerify(
        PromotionRequest.to("staging").image("web", web14).image("api", api21).source("demo"), null);
    show(staging.promotion());
    out("verification passed: " + staging.passed());

    step("5. Promote to prod without approval: refused; with alice's approval: promoted");
    PromotionRequest toProd = PromotionRequest.to("prod").image("web", web14).image("api", api21).source("demo");
    try {
      promoter.promote(toProd);
      throw new IllegalStateException("the demo expected prod to require approval");
    } catch (RefusedException expected) {
      out(expected.getMessage());
    }
    show(promoter.promote(toProd.approvedBy("alice")));

    step("6. A bad version: web 1.5.0 passes dev, fails its gate in staging, and is rolled back");
    promoter.promote(PromotionRequest.to("dev").image("web", web15).source("demo"));
    verifier.verify("dev", List.of("web"), null);
    Verifier.PromoteVerifyResult bad = verifier.promoteAndVerify(
        PromotionRequest.to("staging").image("web", web15).source("demo"), Duration.ofSeconds(4));
    out("verification passed: " + bad.passed() + (bad.failure().map(f -> " (" + f + ")").orElse("")));
    bad.verification().rollbacks().forEach(r -> out("rolled back " + r.service() + " in " + r.environment()
        + " to " + r.restored() + " in commit " + r.commit().substring(0, 12) + "; blocked " + r.blocked()));

    step("7. Promote web 1.5.0 to staging again: refused while it is blocked");
    try {
      promoter.promote(PromotionRequest.to("staging").image("web", web15));
      throw new IllegalStateException("the demo expected the blocked version to be refused");
    } catch (RefusedException expected) {
      out(expected.getMessage());
    }

    step("8. Status, read back from git alone");
    Status status = Status.read(promoter);
    out(StatusCommand.table(status, Instant.now()));
    out("Workspace: " + workspace + "\n  inspect it with: git -C " + workspace.resolve("env.git")
        + " log --format='%h %s%n%(trailers:only)' main; git -C " + workspace.resolve("env.git")
        + " notes --ref=ferry list");
    if (console.json()) {
      console.result(status, null);
    }
  }

  private void step(String title) {
    out("\n== " + title + "\n");
  }

  private void out(String text) {
    if (console.json()) {
      console.say(text);
    } else {
      console.out().println(text.endsWith("\n") ? text.substring(0, text.length() - 1) : text);
      console.out().flush();
    }
  }

  private void show(PromotionResult r) {
    out((r.noop() ? "already in place: " : "promoted to " + r.environment() + ": ") + r.images()
        + "\n  commit " + r.commit().substring(0, 12) + ", files " + r.files() + ", promotion " + r.promotionId());
  }

  /** Lays the environment repository out from the jar's resources and makes it a bare repository. */
  private static Path seedRepository(Path workspace) throws IOException, GitAPIException {
    Path work = workspace.resolve("env-seed");
    for (String file : resource("files.txt").split("\n")) {
      if (!file.isBlank()) {
        Path target = work.resolve(file.trim());
        Files.createDirectories(target.getParent());
        Files.writeString(target, resource("repo/" + file.trim()));
      }
    }
    try (Git git = Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      git.commit().setMessage("Shop environments: web (Helm) and api (Kustomize) in dev, staging and prod")
          .setAuthor("Platform Team", "platform@example.com").setCommitter("Platform Team", "platform@example.com")
          .setSign(false).call();
    }
    Path bare = workspace.resolve("env.git");
    Git.cloneRepository().setURI(work.toUri().toString()).setDirectory(bare.toFile()).setBare(true).call().close();
    return bare;
  }

  /**
   * Stands in for the cluster's health endpoint: web reports failing while its deployed tag in an
   * environment is 1.5.0, as a real service with a bad release would.
   */
  private static HttpServer startCluster(Path bare) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String env = exchange.getRequestURI().getPath().split("/")[1];
      String values = readHead(bare, "envs/" + env + "/web/values.yaml");
      boolean bad = values.contains("tag: \"1.5.0\"");
      byte[] body = (bad ? "{\"status\":\"failing\",\"errorRate\":0.27}" : "{\"status\":\"ok\",\"errorRate\":0.001}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    return server;
  }

  private static String readHead(Path bare, String path) {
    try (Git git = Git.open(bare.toFile())) {
      Repository repo = git.getRepository();
      ObjectId head = repo.resolve("refs/heads/main");
      try (RevWalk walk = new RevWalk(repo);
           TreeWalk tree = TreeWalk.forPath(repo, path, walk.parseCommit(head).getTree())) {
        return tree == null ? "" : new String(repo.open(tree.getObjectId(0)).getBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new ExternalException("demo cluster cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + name)) {
      if (in == null) {
        throw new IOException("demo resource missing from the jar: " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
