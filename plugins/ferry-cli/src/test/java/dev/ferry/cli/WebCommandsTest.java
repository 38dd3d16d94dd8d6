package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.GitDaemon.Git;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ferry report --html} and the checks {@code ferry serve} makes before it listens. */
class WebCommandsTest {

  static final String WEB = "registry.example.com/shop/web";

  @TempDir Path dir;
  Path config;

  record Run(int exit, String out, String err) {
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
    Path values = seed.resolve("envs/dev/values.yaml");
    Files.createDirectories(values.getParent());
    Files.writeString(values, "image:\n  repository: " + WEB + "\n  tag: \"1.0.0\"\n");
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
        """.formatted(WEB));
  }

  @Test
  void reportWritesOneHtmlFileWithTheMatrixAndTheHistory() throws Exception {
    Run promoted = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.4.2", "--to", "dev");
    assertThat(promoted.exit()).as(promoted.err()).isZero();
    Path html = dir.resolve("out/report.html");
    Run r = ferry("report", "-c", config.toString(), "--html", html.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Wrote " + html.toAbsolutePath());
    String page = Files.readString(html);
    assertThat(page).startsWith("<!doctype html>").contains("<th scope=\"row\">web</th>").contains(">1.4.2</span>")
        .contains("<td>promote</td><td>web 1.4.2</td>").doesNotContain("<script");
    try (var files = Files.list(html.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("report.html");
    }
  }

  @Test
  void reportWithABadConfigIsBadInputAndWritesNothing() throws Exception {
    Files.writeString(config, Files.readString(config).replace("targets:", "tagets:"));
    Path html = dir.resolve("report.html");
    Run r = ferry("report", "-c", config.toString(), "--html", html.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("ferry.yaml:9:5");
    assertThat(html).doesNotExist();
  }

  @Test
  void serveOnAnAddressOtherThanLoopbackWithoutAuthenticationIsRefused() {
    Run r = ferry("serve", "-c", config.toString(), "--bind", "0.0.0.0", "--port", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("(not loopback) needs to know who is acting").contains("--trusted-proxy").contains("--tokens");
  }

  @Test
  void serveChecksItsOptionsAsTheCommandLineDoes() throws Exception {
    assertThat(ferry("serve", "-c", config.toString(), "--port", "70000").err()).contains("--port must be 0 to 65535");
    assertThat(ferry("serve", "-c", config.toString(), "--trusted-proxy", "proxy.example.com").err())
        .contains("--trusted-proxy 'proxy.example.com' is not an IP address");
    Path tokens = dir.resolve("tokens");
    Files.writeString(tokens, "alice short\n");
    Run bad = ferry("serve", "-c", config.toString(), "--tokens", tokens.toString());
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains(tokens + ":1: the token of 'alice' is shorter than 16 characters").doesNotContain("short\n");
    assertThat(ferry("serve", "-c", config.toString(), "--webhook-secret-env", "FERRY_TEST_NO_SUCH_VARIABLE").err())
        .contains("FERRY_TEST_NO_SUCH_VARIABLE, which is not set");
  }
}
