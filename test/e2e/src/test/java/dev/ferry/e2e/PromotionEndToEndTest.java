package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.LocalRegistry;
import dev.ferry.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's full promotion dev → staging → prod with the real CLI as a process, a real git server
 * (git daemon) and a real registry with basic authentication; the repository is checked
 * afterwards with the git CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PromotionEndToEndTest {

  @TempDir static Path dir;
  GitDaemon git;
  LocalRegistry registry;
  FerryProcess ferry;
  String webDigest;
  String apiDigest;
  String web;
  String api;

  @BeforeAll
  void start() throws Exception {
    git = GitDaemon.start(dir.resolve("git"));
    Path bare = git.createBareRepo("env.git");
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Git.run(seed, "init", "-q", "-b", "main");
    for (String env : new String[] {"dev", "staging", "prod"}) {
      write(seed.resolve("envs/" + env + "/web/values.yaml"), """
          # web in %s
          replicaCount: 2   # scaled by the platform team

          image:
            repository: registry.invalid/shop/web   # Ferry writes this
            tag: "0.9.0"
          """.formatted(env));
      write(seed.resolve("envs/" + env + "/api/kustomization.yaml"), """
          resources:
            - deployment.yaml
          images:
            - name: api
              newName: registry.invalid/shop/api
              newTag: "0.9.0"
          """);
      write(seed.resolve("envs/" + env + "/api/deployment.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n");
    }
    Git.run(seed, "add", "-A");
    Git.run(seed, "commit", "-q", "-m", "environments");
    Git.run(seed, "push", "-q", bare.toString(), "main");

    Path htpasswd = LocalRegistry.htpasswd(Files.createDirectories(dir.resolve("auth")), "ci", "s3cret-registry");
    registry = LocalRegistry.start(dir.resolve("registry"), htpasswd);
    web = registry.host() + "/shop/web";
    api = registry.host() + "/shop/api";
    webDigest = TestImages.image().file("app/web.txt", "web 1.1.0").push(registry.host(), "shop/web", "1.1.0", "ci", "s3cret-registry");
    apiDigest = TestImages.image().file("app/api.txt", "api 2.1.0").push(registry.host(), "shop/api", "2.1.0", "ci", "s3cret-registry");

    // the seed names registry.invalid; point the targets at the test registry's images
    Files.writeString(dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        registries:
          "%s": {insecure: true, usernameEnv: REG_USER, passwordEnv: REG_PASSWORD}
        services:
          web: {image: %s}
          api: {image: %s}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api", name: api}
          staging:
            repo: env
            after: dev
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api", name: api}
          prod:
            repo: env
            after: staging
            approval: required
            approvers: [alice]
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
              api: {kustomize: "envs/{env}/api", name: api}
        """.formatted(git.url("env.git"), registry.host(), web, api));
    ferry = new FerryProcess(dir).env("REG_USER", "ci").env("REG_PASSWORD", "s3cret-registry")
        .env("BUILD_URL", "https://jenkins.example.com/job/shop/42/");
  }

  @AfterAll
  void stop() {
    if (registry != null) {
      registry.close();
    }
    if (git != null) {
      git.close();
    }
  }

  static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  String head() throws Exception {
    return Git.run(git.base().resolve("env.git"), "rev-parse", "main").trim();
  }

  @Test
  @Order(1)
  void promotesToDevPinningDigestsFromTheRegistry() throws Exception {
    var r = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "api=" + api + ":2.1.0", "--to", "dev", "--json");
    assertThat(r.exit()).as(r.toString()).isZero();
    JsonNode json = r.json();
    assertThat(json.get("environment").asText()).isEqualTo("dev");
    assertThat(json.get("images").get("web").asText()).isEqualTo(web + ":1.1.0@" + webDigest);
    assertThat(json.get("images").get("api").asText()).isEqualTo(api + ":2.1.0@" + apiDigest);
    assertThat(json.get("commit").asText()).isEqualTo(head());
    assertThat(r.stdout() + r.stderr()).doesNotContain("s3cret-registry");

    Path clone = dir.resolve("clone-dev");
    Git.run(dir, "clone", "-q", git.url("env.git"), clone.toString());
    assertThat(Files.readString(clone.resolve("envs/dev/web/values.yaml"))).isEqualTo("""
        # web in dev
        replicaCount: 2   # scaled by the platform team

        image:
          repository: %s   # Ferry writes this
          tag: "1.1.0@%s"
        """.formatted(web, webDigest));
    assertThat(Files.readString(clone.resolve("envs/dev/api/kustomization.yaml")))
        .contains("newName: " + api, "newTag: \"2.1.0\"", "digest: " + apiDigest);
    assertThat(Git.run(clone, "log", "-1", "--format=%(trailers:only,unfold)"))
        .contains("Ferry-Environment: dev", "Ferry-Service: web", "Ferry-Image: " + web + ":1.1.0@" + webDigest,
            "Ferry-Source: https://jenkins.example.com/job/shop/42/");
    Git.run(clone, "fsck", "--strict");
  }

  @Test
  @Order(2)
  void stagingRefusesUnverifiedImagesAndTakesThemOnceVerified() throws Exception {
    String before = head();
    var refused = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "--to", "staging");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr()).contains("has not been verified in 'dev'");
    assertThat(head()).isEqualTo(before);

    var verified = ferry.run("verify", "-c", "ferry.yaml", "--env", "dev", "--json");
    assertThat(verified.exit()).as(verified.toString()).isZero();
    assertThat(verified.json().get("passed").asBoolean()).isTrue();

    var promoted = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "api=" + api + ":2.1.0", "--to", "staging", "--json");
    assertThat(promoted.exit()).as(promoted.toString()).isZero();
    assertThat(ferry.run("verify", "-c", "ferry.yaml", "--env", "staging").exit()).isZero();
  }

  @Test
  @Order(3)
  void prodNeedsAnApproverAndRecordsTheirName() throws Exception {
    var refused = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "--to", "prod");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.stderr()).contains("requires approval");
    var promoted = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "--to", "prod",
        "--approved-by", "alice", "--json");
    assertThat(promoted.exit()).as(promoted.toString()).isZero();
    Path clone = dir.resolve("clone-prod");
    Git.run(dir, "clone", "-q", git.url("env.git"), clone.toString());
    assertThat(Git.run(clone, "log", "-1", "--format=%(trailers:key=Ferry-Approved-By,valueonly)").trim()).isEqualTo("alice");
    assertThat(Files.readString(clone.resolve("envs/prod/web/values.yaml"))).contains("tag: \"1.1.0@" + webDigest + "\"");
  }

  @Test
  @Order(4)
  void statusAndHistoryAreReadBackFromGit() throws Exception {
    var status = ferry.run("status", "-c", "ferry.yaml", "--json");
    assertThat(status.exit()).as(status.toString()).isZero();
    JsonNode cells = status.json().get("cells");
    assertThat(cells).anySatisfy(c -> {
      assertThat(c.get("service").asText()).isEqualTo("web");
      assertThat(c.get("environment").asText()).isEqualTo("staging");
      assertThat(c.get("state").asText()).isEqualTo("verified");
      assertThat(c.get("digest").asText()).isEqualTo(webDigest);
    });
    assertThat(cells).anySatisfy(c -> {
      assertThat(c.get("environment").asText()).isEqualTo("prod");
      assertThat(c.get("state").asText()).isEqualTo("pending");
    });
    var history = ferry.run("history", "-c", "ferry.yaml", "--service", "web", "--json");
    assertThat(history.exit()).as(history.toString()).isZero();
    JsonNode promotions = history.json().get("promotions");
    assertThat(promotions).hasSize(3);
    assertThat(promotions.get(0).get("environment").asText()).isEqualTo("prod");
    assertThat(promotions.get(0).get("approvedBy").asText()).isEqualTo("alice");
    var table = ferry.run("status", "-c", "ferry.yaml");
    assertThat(table.stdout()).contains("SERVICE", "web", "staging", "verified");
  }

  @Test
  @Order(5)
  void badInputIsRefusedWithAMessageAndNothingPushed() throws Exception {
    String before = head();
    var unknownService = ferry.run("promote", "-c", "ferry.yaml", "cart=" + web + ":1.1.0", "--to", "dev", "--json");
    assertThat(unknownService.exit()).isEqualTo(2);
    assertThat(unknownService.json().get("error").get("message").asText()).contains("unknown service 'cart'");

    var unknownEnv = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.1.0", "--to", "qa");
    assertThat(unknownEnv.exit()).isEqualTo(2);
    assertThat(unknownEnv.stderr()).contains("unknown environment 'qa'");

    var otherRepo = ferry.run("promote", "-c", "ferry.yaml", "web=" + api + ":2.1.0", "--to", "dev");
    assertThat(otherRepo.exit()).isEqualTo(2);
    assertThat(otherRepo.stderr()).contains("is not of service 'web'");

    var missingImage = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":9.9.9", "--to", "dev");
    assertThat(missingImage.exit()).as(missingImage.toString()).isEqualTo(1);
    assertThat(missingImage.stderr()).contains("9.9.9").contains("does not exist");

    var badRef = ferry.run("promote", "-c", "ferry.yaml", "web=" + web + ":1.0;rm -rf /", "--to", "dev");
    assertThat(badRef.exit()).isEqualTo(2);
    assertThat(badRef.stderr()).contains("invalid image reference");

    Files.writeString(dir.resolve("broken.yaml"), "apiVersion: ferry/v1\nservices:\n  web: {image: [\n");
    var badYaml = ferry.run("promote", "-c", "broken.yaml", "web=" + web + ":1.1.0", "--to", "dev", "--json");
    assertThat(badYaml.exit()).isEqualTo(2);
    JsonNode error = badYaml.json().get("error");
    assertThat(error.get("file").asText()).endsWith("broken.yaml");
    assertThat(error.get("line").asInt()).isPositive();

    assertThat(head()).isEqualTo(before);
  }
}
