package dev.ferry.serve;

import dev.ferry.core.FerryListener;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.promote.ImageResolver;
import dev.ferry.core.promote.PromotionRequest;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.PromoterContext;
import dev.ferry.core.promote.Verifier;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitDaemon.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real environment repository behind a real {@code git daemon}, seeded by the git CLI, and then
 * taken through Ferry's own promotions (the CLI's engine): web 1.4.2 and api 2.1.0 verified in dev
 * and staging, web 1.5.0 verified in dev and rolled back (blocked) in staging, prod as the platform
 * team wrote it by hand (so Ferry shows it as changed outside Ferry). prod needs alice's approval.
 */
final class ShopRepo implements AutoCloseable {

  static final String WEB = "registry.example.com/shop/web";
  static final String API = "registry.example.com/shop/api";
  static final ImageRef WEB_142 = ImageRef.parse(WEB + ":1.4.2@sha256:" + "4f".repeat(32));
  static final ImageRef WEB_150 = ImageRef.parse(WEB + ":1.5.0@sha256:" + "e3".repeat(32));
  static final ImageRef API_210 = ImageRef.parse(API + ":2.1.0@sha256:" + "a7".repeat(32));

  final GitDaemon daemon;
  final Path bare;
  final Path dir;
  final FerryConfig config;

  private ShopRepo(GitDaemon daemon, Path bare, Path dir, FerryConfig config) {
    this.daemon = daemon;
    this.bare = bare;
    this.dir = dir;
    this.config = config;
  }

  /** @param prodOperators YAML list for prod's {@code operators:}, or null for none */
  static ShopRepo start(Path dir, String prodOperators) throws IOException {
    GitDaemon daemon = GitDaemon.start(dir.resolve("git"));
    Path bare = daemon.createBareRepo("env.git");
    Path work = Files.createDirectories(dir.resolve("seed"));
    Git.run(work, "clone", "-q", bare.toString(), ".");
    for (String env : List.of("dev", "staging", "prod")) {
      for (String service : List.of("web", "api")) {
        Path values = work.resolve("envs/" + env + "/" + service + "/values.yaml");
        Files.createDirectories(values.getParent());
        Files.writeString(values, "# " + service + " in " + env + "\nreplicaCount: 2\nimage:\n  repository: "
            + (service.equals("web") ? WEB : API) + "\n  tag: \"1.0.0\"\n");
      }
    }
    Git.run(work, "add", "-A");
    Git.run(work, "commit", "-q", "-m", "Shop environments");
    Git.run(work, "push", "-q", "origin", "HEAD:main");
    Path file = dir.resolve("ferry.yaml");
    Files.writeString(file, """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
          api: {image: %s}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
          staging:
            repo: env
            after: dev
          prod:
            repo: env
            after: staging
            approval: required
            approvers: [alice]
        """.formatted(daemon.url("env.git"), WEB, API) + (prodOperators == null ? "" : "    operators: " + prodOperators + "\n"));
    ShopRepo shop = new ShopRepo(daemon, bare, dir, ConfigLoader.load(file));
    shop.seedPromotions();
    return shop;
  }

  PromoterFactory promoters() {
    return listener -> new Promoter(config, PromoterContext.defaults(ImageResolver.AS_GIVEN, listener)
        .withCacheRoot(dir.resolve("cache")));
  }

  private void seedPromotions() {
    try (Promoter p = promoters().open(FerryListener.NONE)) {
      Verifier verifier = new Verifier(p, Sleeper.SYSTEM);
      p.promote(PromotionRequest.to("dev").image("web", WEB_142).image("api", API_210).source("https://ci.example.com/job/shop/41/"));
      verifier.verify("dev", List.of(), null);
      p.promote(PromotionRequest.to("staging").image("web", WEB_142).image("api", API_210));
      verifier.verify("staging", List.of(), null);
      p.promote(PromotionRequest.to("dev").image("web", WEB_150).source("https://ci.example.com/job/shop/42/"));
      verifier.verify("dev", List.of("web"), null);
      p.promote(PromotionRequest.to("staging").image("web", WEB_150));
      p.rollback("staging", "web", "error rate 27% after the release", "ci");
    }
  }

  /** {@code git log} of the environment branch with trailers, as a person checks it. */
  String log() throws IOException {
    return Git.run(bare, "log", "--format=%H %s%n%(trailers)", "main");
  }

  @Override
  public void close() {
    daemon.close();
  }
}
