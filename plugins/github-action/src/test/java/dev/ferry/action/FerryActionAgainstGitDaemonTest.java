package dev.ferry.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ferry-action.js as the runner runs it, with the real ferry.jar (built by the reactor) writing to
 * an environment repository served by a real git daemon.
 */
class FerryActionAgainstGitDaemonTest {

  static final Path FERRY_JAR = Runner.ACTION_DIR.resolve("../ferry-cli/target/ferry.jar").normalize();
  static final String WEB = "registry.example.com/shop/web";

  @TempDir
  Path dir;
  GitDaemon git;
  Path bare;
  Runner runner;

  @BeforeEach
  void anEnvironmentRepositoryAndFerryYaml() throws Exception {
    assertThat(FERRY_JAR).as("ferry.jar is built by the reactor: ./mvnw -pl plugins/github-action -am verify").isRegularFile();
    git = GitDaemon.start(dir.resolve("git"));
    bare = git.createBareRepo("env.git");
    Path seed = Files.createDirectories(dir.resolve("seed"));
    GitDaemon.Git.run(seed, "init", "--quiet", "-b", "main");
    for (String env : new String[] {"dev", "staging"}) {
      Path values = seed.resolve("envs/" + env + "/web/values.yaml");
      Files.createDirectories(values.getParent());
      Files.writeString(values, "image:\n  repository: " + WEB + "\n  tag: \"1.0.0\"\n");
    }
    GitDaemon.Git.run(seed, "add", ".");
    GitDaemon.Git.run(seed, "commit", "--quiet", "-m", "environments");
    GitDaemon.Git.run(seed, "push", "--quiet", bare.toString(), "main");

    Path workspace = Files.createDirectories(dir.resolve("workspace"));
    Files.writeString(workspace.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
        environments:
          dev:
            repo: env
            targets:
              "*": {helm: "envs/{env}/{service}/values.yaml"}
          staging:
            repo: env
            after: dev
        """.formatted(git.url("env.git"), WEB));
    runner = new Runner(workspace);
    runner.env.put("FERRY_JAR", FERRY_JAR.toString());
    runner.env.put("FERRY_CACHE", dir.resolve("ferry-cache").toString());
  }

  @AfterEach
  void stopGit() {
    if (git != null) {
      git.close();
    }
  }

  @Test
  void promoteCommitsToTheEnvironmentRepositoryAndReportsIt() throws Exception {
    // given
    runner.input("command", "promote").input("services", "web=" + WEB + ":1.4.2").input("to", "dev").input("args", "--no-resolve");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr() + run.stdout()).isZero();
    String head = GitDaemon.Git.run(bare, "rev-parse", "main").trim();
    Map<String, String> outputs = runner.outputs();
    assertThat(outputs).containsEntry("commit", head).containsEntry("exit-code", "0");
    assertThat(outputs.get("promotion-id")).isNotBlank();
    JsonNode result = new ObjectMapper().readTree(outputs.get("result"));
    assertThat(result.get("environment").asText()).isEqualTo("dev");
    assertThat(GitDaemon.Git.run(bare, "show", "main:envs/dev/web/values.yaml")).contains("tag: \"1.4.2\"");
    assertThat(GitDaemon.Git.run(bare, "log", "-1", "--format=%B", "main"))
        .contains("Ferry-Source: https://github.com/shop/web/actions/runs/4242");
    assertThat(runner.summary()).contains("### Ferry promote: `dev`", "commit `" + head + "`", "| web |");
  }

  @Test
  void aHostileImageStaysLiteralAndIsRefusedAsBadInput() throws Exception {
    // given
    runner.input("command", "promote").input("services", "web=" + WEB + ":1.4.2$(touch${IFS}PWNED);touch${IFS}PWNED2")
        .input("to", "dev").input("args", "--no-resolve");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(runner.dir.resolve("PWNED")).doesNotExist();
    assertThat(runner.dir.resolve("PWNED2")).doesNotExist();
    assertThat(runner.outputs().get("result")).contains("$(touch${IFS}PWNED)");
    assertThat(GitDaemon.Git.run(bare, "show", "main:envs/dev/web/values.yaml")).contains("tag: \"1.0.0\"");
  }

  @Test
  void aConfigErrorIsAnnotatedOnItsLineInFerryYaml() throws Exception {
    // given: line 7 names an environment key ferry does not know
    Files.writeString(runner.dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: %s}
        environments:
          dev: {repo: env, targetz: {"*": {helm: "envs/{env}/{service}/values.yaml"}}}
        """.formatted(git.url("env.git"), WEB));
    runner.input("command", "promote").input("services", "web=" + WEB + ":1.4.2").input("to", "dev");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).containsPattern("::error file=ferry.yaml,line=7,col=\\d+,title=ferry promote::.*targetz");
    assertThat(runner.summary()).contains("### Ferry promote failed", "(ferry.yaml:7:");
  }
}
