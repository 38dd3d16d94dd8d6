package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.GitDaemon.Git;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The promotion commands through picocli, in process, against a local bare repository. */
class PromotionCommandsTest {

  static final String WEB = "registry.example.com/shop/web";
  static final String DIGEST = "sha256:" + "c".repeat(64);

  @TempDir Path dir;
  Path config;

  record Run(int exit, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  @BeforeEach
  void seed() throws Exception {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Git.run(seed, "init", "-q", "-b", "main");
    for (String env : new String[] {"dev", "prod"}) {
      Path values = seed.resolve("envs/" + env + "/values.yaml");
      Files.createDirectories(values.getParent());
      Files.writeString(values, "image:\n  repository: " + WEB + "\n  tag: \"1.0.0\"\n");
    }
    Git.run(seed, "add", "-A");
    Git.run(seed, "commit", "-q", "-m", "seed");
    Git.run(dir, "clone", "-q", "--bare", seed.toString(), dir.resolve("env.git").toString());
    config = dir.resolve("ferry.yaml");
    Files.writeString(config, """
        apiVersion: ferry/v1
        repos:
          env: {url: env.git, branch: main}
        services:
          web: {image: %s}
        environments:
          dev:
            repo: env
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
          prod:
            repo: env
            after: dev
            approval: required
            approvers: [alice, bob]
            mode: pull-request
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
        """.formatted(WEB));
  }

  @Test
  void environmentsListsTheOrderAndPolicyForFrontEnds() throws Exception {
    Run r = ferry("environments", "-c", config.toString(), "--json");
    assertThat(r.exit()).isZero();
    JsonNode envs = r.json().get("environments");
    assertThat(envs).hasSize(2);
    assertThat(envs.get(0).get("name").asText()).isEqualTo("dev");
    assertThat(envs.get(1).get("after").asText()).isEqualTo("dev");
    assertThat(envs.get(1).get("approval").asBoolean()).isTrue();
    assertThat(envs.get(1).get("approvers")).extracting(JsonNode::asText).containsExactly("alice", "bob");
    assertThat(envs.get(1).get("mode").asText()).isEqualTo("pull-request");
  }

  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws Exception {
    String before = Git.run(dir.resolve("env.git"), "rev-parse", "main");
    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "dev", "--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("-  tag: \"1.0.0\"", "+  tag: \"1.1.0@" + DIGEST + "\"", "Policy: allowed.");
    assertThat(Git.run(dir.resolve("env.git"), "rev-parse", "main")).isEqualTo(before);
  }

  @Test
  void pullRequestModePushesADeterministicBranchAndLeavesMainAlone() throws Exception {
    assertThat(ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "dev").exit()).isZero();
    assertThat(ferry("verify", "-c", config.toString(), "--env", "dev").exit()).isZero();
    String main = Git.run(dir.resolve("env.git"), "rev-parse", "main");
    Run first = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "prod",
        "--approved-by", "bob", "--json");
    assertThat(first.exit()).as(first.err()).isZero();
    String branch = first.json().get("branch").asText();
    assertThat(branch).startsWith("ferry/prod/");
    assertThat(first.json().get("mode").asText()).isEqualTo("pull-request");
    assertThat(Git.run(dir.resolve("env.git"), "rev-parse", "main")).isEqualTo(main);
    assertThat(Git.run(dir.resolve("env.git"), "show", branch + ":envs/prod/values.yaml")).contains("1.1.0@" + DIGEST);
    Run retry = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "prod",
        "--approved-by", "bob", "--json");
    assertThat(retry.json().get("branch").asText()).isEqualTo(branch);
    assertThat(retry.json().get("commit").asText()).isEqualTo(first.json().get("commit").asText());
  }

  @Test
  void waitWithoutPullRequestsIsExitTwoBeforeAnythingIsWritten() throws Exception {
    String main = Git.run(dir.resolve("env.git"), "rev-parse", "main");
    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "dev",
        "--wait", "5m", "--json");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.json().get("error").get("message").asText()).contains("--wait waits for a pull request, but the"
        + " repository 'env' of 'dev' has no pullRequests");
    assertThat(Git.run(dir.resolve("env.git"), "rev-parse", "main")).isEqualTo(main);
    assertThat(Git.run(dir.resolve("env.git"), "branch", "--list", "ferry/*")).isEmpty();
  }

  @Test
  void errorsAreOneJsonDocumentWithTheLocation() throws Exception {
    Files.writeString(config, "apiVersion: ferry/v1\nservices:\n  web: {image: " + WEB + ", tagz: 1}\n");
    Run r = ferry("status", "-c", config.toString(), "--json");
    assertThat(r.exit()).isEqualTo(2);
    JsonNode error = r.json().get("error");
    assertThat(error.get("exitCode").asInt()).isEqualTo(2);
    assertThat(error.get("file").asText()).endsWith("ferry.yaml");
    assertThat(error.get("line").asInt()).isPositive();
    assertThat(r.err()).contains("ferry.yaml:3:");
  }

  @Test
  void usageErrorsExitTwo() {
    Run r = ferry("promote", "-c", config.toString(), "web", "--to", "dev");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("expected SERVICE=IMAGE, got 'web'");
    assertThat(ferry("rollback", "-c", config.toString()).exit()).isEqualTo(2);
  }
}
