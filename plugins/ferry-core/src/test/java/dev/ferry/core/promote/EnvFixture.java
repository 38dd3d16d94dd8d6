package dev.ferry.core.promote;

import dev.ferry.core.FerryListener;
import dev.ferry.core.config.ConfigLoader;
import dev.ferry.testing.GitDaemon.Git;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A bare environment repository seeded with files through the git CLI, as a platform team would. */
final class EnvFixture {

  static final String WEB = "registry.example.com/shop/web";
  static final String API = "registry.example.com/shop/api";

  private EnvFixture() {
  }

  static Path bareRepo(Path dir, Map<String, String> files) throws IOException {
    Path work = Files.createDirectories(dir.resolve("seed"));
    Git.run(work, "init", "-q", "-b", "main");
    for (Map.Entry<String, String> f : files.entrySet()) {
      Path p = work.resolve(f.getKey());
      Files.createDirectories(p.getParent());
      Files.writeString(p, f.getValue());
    }
    Git.run(work, "add", "-A");
    Git.run(work, "commit", "-q", "-m", "seed");
    Path bare = dir.resolve("env.git");
    Git.run(dir, "clone", "-q", "--bare", work.toString(), bare.toString());
    return bare;
  }

  static String values(String repository, String tag) {
    return "# web values\nreplicaCount: 2 # keep\n\nimage:\n  repository: " + repository + "\n  tag: \"" + tag
        + "\"\n  digest: \"\"\n";
  }

  static String kustomization(String tag) {
    return "resources:\n  - deployment.yaml\nimages:\n  - name: " + API + "\n    newTag: " + tag + "\n";
  }

  /** The standard three environments in one repository; {@code extra} is appended to staging. */
  static String config(Object repoUrl, String stagingExtra) {
    return """
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
              api: {kustomize: "envs/{env}/api"}
          staging:
            repo: env
            after: dev
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api"}
        %s
          prod:
            repo: env
            after: staging
            approval: required
            approvers: [alice]
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api"}
        """.formatted(repoUrl, WEB, API, stagingExtra == null ? "" : stagingExtra);
  }

  static Map<String, String> files() {
    Map<String, String> files = new java.util.LinkedHashMap<>();
    for (String env : new String[] {"dev", "staging", "prod"}) {
      files.put("envs/" + env + "/web/values.yaml", values(WEB, "1.0.0"));
      files.put("envs/" + env + "/api/kustomization.yaml", kustomization("2.0.0"));
      files.put("envs/" + env + "/api/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\n");
    }
    return files;
  }

  /**
   * A promoter (cache under {@code dir}) for one environment, dev, with service web in
   * {@code bare}: {@code target} is web's target, {@code devSettings} more keys of dev (one per
   * line, as in ferry.yaml under the environment).
   */
  static Promoter webInDev(Path dir, Path bare, String target, String devSettings) {
    String config = """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
        environments:
          dev:
            repo: env
            targets:
              "*": %s
        """.formatted(bare, WEB, target) + devSettings.indent(4);
    return new Promoter(ConfigLoader.parse("ferry.yaml", config, dir),
        PromoterContext.defaults(ImageResolver.AS_GIVEN, FerryListener.NONE).withCacheRoot(dir.resolve("cache")));
  }

  static final String WEB_VALUES = "{helm: \"envs/{env}/{service}/values.yaml\"}";
}
