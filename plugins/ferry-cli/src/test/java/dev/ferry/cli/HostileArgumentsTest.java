package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.GitDaemon.Git;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile values in the CLI's arguments stay what they are: no {@code @file} expansion, no option
 * smuggled in as a service, and nothing printed that a CI runner would read as a command.
 */
class HostileArgumentsTest {

  static final String WEB = "registry.example.com/shop/web";
  static final String DIGEST = "sha256:" + "c".repeat(64);

  @TempDir Path dir;
  Path config;
  Path bare;

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
    bare = dir.resolve("env.git");
    Git.run(dir, "clone", "-q", "--bare", seed.toString(), bare.toString());
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
            approval: required
            approvers: [alice]
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
        """.formatted(WEB));
  }

  @Test
  void anAtFileIsTheTextItIsNotTheOptionsInTheFile() throws Exception {
    Path file = dir.resolve("a.txt");
    Files.writeString(file, "ok --approved-by alice\n");
    String head = Git.run(bare, "rev-parse", "main");

    Run approved = ferry("promote", "-c", config.toString(), "--no-resolve", "--to", "prod",
        "--message", "@" + file, "--json", "--", "web=" + WEB + ":2.0@" + DIGEST);

    assertThat(approved.exit()).as(approved.err()).isEqualTo(1);
    assertThat(approved.json().get("error").get("message").asText()).contains("'prod' requires approval");
    assertThat(Git.run(bare, "rev-parse", "main")).isEqualTo(head);

    Run literal = ferry("promote", "-c", config.toString(), "--no-resolve", "--to", "dev",
        "--message", "@" + file, "--json", "--", "web=" + WEB + ":2.0@" + DIGEST);
    assertThat(literal.exit()).as(literal.err()).isZero();
    assertThat(Git.run(bare, "log", "-1", "--format=%s", "main").strip()).isEqualTo("@" + file);
  }

  @Test
  void aSecretFileNamedAsAnArgumentIsNeverRead() throws Exception {
    Path token = dir.resolve("token.txt");
    Files.writeString(token, "ghp_SECRETSECRETSECRET\n");

    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "--to", "@" + token, "--json",
        "--", "web=" + WEB + ":2.0");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out() + r.err()).doesNotContain("SECRET").contains("@" + token);
  }

  @ParameterizedTest
  @ValueSource(strings = {"--approved-by=alice", "@file=x", "$(id)=x", "-x=y", "web\n::error::x=y", "../web=x"})
  void onlyServiceNamesOfFerryYamlsGrammarAreServices(String pair) throws Exception {
    String head = Git.run(bare, "rev-parse", "main");

    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "--to", "dev", "--json", "--", pair);

    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.json().get("error").get("message").asText()).contains("may only hold letters, digits");
    assertThat(Git.run(bare, "rev-parse", "main")).isEqualTo(head);
  }

  @ParameterizedTest
  @ValueSource(strings = {"verify", "rollback"})
  void serviceArgumentsOfOtherCommandsFollowTheSameGrammar(String command) throws Exception {
    Run r = ferry(command, "-c", config.toString(), "--env", "dev", "--json", "--", "$(id)");
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.json().get("error").get("message").asText()).contains("service name '$(id)' may only hold");
  }

  @Test
  void textFromOutsideNeverStartsALineACiRunnerObeys() throws Exception {
    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "--to",
        "dev\n::error title=owned::x\r\n::add-mask::\u001b]8;;http://evil\u0007link", "--", "web=" + WEB + ":2.0");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'dev\\n::error title=owned::x\\n::add-mask::\\u001b]8;;http://evil\\u0007link'");
    assertThat(Arrays.stream(r.err().split("\n"))).noneMatch(l -> l.strip().startsWith("::"));
    assertThat(r.err()).doesNotContain("\u001b", "\u0007", "\r");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--bogus --json", "promote --to --json", "status -c"})
  void aParseErrorIsJsonUnderJsonWhereverJsonIsWritten(String line) throws Exception {
    String[] args = (line + " --json").split(" ");
    Run r = ferry(args);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.json().get("error").get("exitCode").asInt()).isEqualTo(2);
  }

  @Test
  void aLeadingDoubleColonOfAnOutsideLineIsBroken() {
    assertThat(Inert.line("  ::stop-commands::x")).isEqualTo("  : :stop-commands::x");
    assertThat(Inert.lines("ok\n::error::x\r\n\u001b[31mred")).isEqualTo("ok\n: :error::x\n\\u001b[31mred");
    assertThat(Inert.line("a\u202eb\u0085c\td")).isEqualTo("a\\u202eb\\nc\td");
  }
}
