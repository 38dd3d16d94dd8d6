package dev.ferry.core.forge;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.ImageResolver;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromoterContext;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.testing.GitDaemon.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A prod environment in pull-request mode whose repository is a real bare git repository and
 * whose forge is an API fake; the promoter runs with a clock the test moves.
 */
final class ForgeScenario {

  static final String WEB = "registry.example.com/shop/web";
  static final String API = "registry.example.com/shop/api";
  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);
  static final String D3 = "sha256:" + "3".repeat(64);

  final Path dir;
  final Path bare;
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T10:00:00Z"));
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Duration> slept = new CopyOnWriteArrayList<>();

  ForgeScenario(Path dir) throws IOException {
    this.dir = dir;
    this.bare = bareRepo(dir);
  }

  static Path bareRepo(Path dir) throws IOException {
    Path work = Files.createDirectories(dir.resolve("seed"));
    Git.run(work, "init", "-q", "-b", "main");
    for (String env : new String[] {"staging", "prod"}) {
      write(work.resolve("envs/" + env + "/web/values.yaml"), values("1.0.0"));
      write(work.resolve("envs/" + env + "/api/values.yaml"), values("2.0.0").replace("shop/web", "shop/api"));
    }
    Git.run(work, "add", "-A");
    Git.run(work, "commit", "-q", "-m", "seed");
    Path bare = dir.resolve("env.git");
    Git.run(dir, "clone", "-q", "--bare", work.toString(), bare.toString());
    return bare;
  }

  static String values(String tag) {
    return "# web values\nreplicaCount: 2\n\nimage:\n  repository: " + WEB + "\n  tag: \"" + tag + "\"\n  digest: \"\"\n";
  }

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** ferry.yaml with {@code pullRequests} as given (YAML lines under the key) and prod's settings. */
  String config(String pullRequests, String prodSettings) {
    return """
        apiVersion: ferry/v1
        repos:
          env:
            url: "%s"
            branch: main
            pullRequests:
        %s
        services:
          web: {image: %s}
          api: {image: %s}
        environments:
          prod:
            repo: env
            mode: pull-request
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
        %s
        """.formatted(bare, pullRequests.indent(6).stripTrailing(), WEB, API, prodSettings.indent(4).stripTrailing());
  }

  Promoter promoter(String config, Map<String, String> env) {
    FerryConfig parsed = ConfigLoader.parse("ferry.yaml", config, dir);
    Clock clock = new Clock() {
      @Override public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override public Instant instant() {
        return now.get();
      }
    };
    FerryListener listener = (FerryEvent e) -> events.add(e.message());
    return new Promoter(parsed, new PromoterContext(dir.resolve("cache"), clock, ImageResolver.AS_GIVEN, listener, env,
        "ci-bot", 5000)).forgeSleeper(d -> {
          slept.add(d);
          now.set(now.get().plus(d));
        });
  }

  static PromotionRequest web(String tag, String digest) {
    return PromotionRequest.to("prod").image("web", ImageRef.parse(WEB + ":" + tag + "@" + digest))
        .source("https://ci.example/job/7");
  }

  /** A sleeper that moves the clock and runs {@code steps} in turn, one per wait (then only waits). */
  dev.ferry.core.gate.Sleeper sleeper(List<Runnable> steps) {
    List<Runnable> left = new ArrayList<>(steps);
    return d -> {
      slept.add(d);
      now.set(now.get().plus(d));
      if (!left.isEmpty()) {
        left.remove(0).run();
      }
    };
  }

  String git(String... args) throws IOException {
    return Git.run(bare, args);
  }
}
