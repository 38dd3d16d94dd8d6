package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.TestKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's "done when", through the CLI: with {@code git.signing: {format: ssh, keyFile: K}},
 * {@code ferry promote} lands a commit that {@code git verify-commit} accepts with K's public key
 * allowed; with {@code git.trust}, a hand-made commit with Ferry's trailers is no verification
 * and no approval, and {@code ferry status} shows it as untrusted. Key problems exit 2.
 */
class SigningCommandsTest {

  static final String WEB = "registry.example.com/shop/web";
  static final String DIGEST = "sha256:" + "c".repeat(64);
  static final String FORGED = "sha256:" + "6".repeat(64);

  @TempDir Path dir;
  Path bare;
  TestKeys.Ssh key;
  Path allowed;

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
    key = TestKeys.ssh(dir.resolve("keys"), "ed25519", "");
    allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
  }

  Path config(String git) throws IOException {
    Path config = dir.resolve("ferry.yaml");
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
            approvers: [alice]
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
        git:
        %s""".formatted(WEB, git));
    return config;
  }

  @Test
  void promoteSignsAndStatusShowsAHandMadeRecordAsUntrusted() throws Exception {
    Path config = config("""
          signing: {format: ssh, keyFile: keys/%s}
          trust: {allowedSigners: %s}
        """.formatted(key.privateKey().getFileName(), allowed.getFileName()));
    Run promoted = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST,
        "--to", "dev", "--json");
    assertThat(promoted.exit()).as(promoted.err()).isZero();
    String commit = promoted.json().get("commit").asText();
    assertThat(TestKeys.verifySsh(bare, commit, allowed)).contains("Good \"git\" signature for ferry@localhost");

    // someone with push access writes a promotion, an approval and a passed verification by hand
    Path work = dir.resolve("forger");
    Git.run(dir, "clone", "-q", bare.toString(), work.toString());
    Files.writeString(work.resolve("envs/dev/values.yaml"), "image:\n  repository: " + WEB + "\n  tag: \"6.6.6\"\n");
    Git.run(work, "commit", "-q", "-am", "Promote web to 6.6.6\n\nFerry-Environment: dev\nFerry-Service: web\n"
        + "Ferry-Image: " + WEB + ":6.6.6@" + FORGED + "\nFerry-Approved-By: alice\n");
    String forged = Git.run(work, "rev-parse", "HEAD").trim();
    Git.run(work, "notes", "--ref=ferry", "add", "-m", "{\"verifications\": [{\"environment\": \"dev\", \"images\":"
        + " {\"web\": \"" + WEB + ":6.6.6@" + FORGED + "\"}, \"passed\": true, \"at\": \"2026-01-01T00:00:00Z\"}]}", forged);
    Git.run(work, "push", "-q", "origin", "main", "refs/notes/ferry");
    assertThatThrownBy(() -> TestKeys.verifySsh(bare, forged, allowed)).isInstanceOf(IOException.class);

    Run refused = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":6.6.6@" + FORGED,
        "--to", "prod", "--approved-by", "alice");
    assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
    assertThat(refused.err()).contains("has not been verified in 'dev'");

    Run status = ferry("status", "-c", config.toString());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("Untrusted records", forged.substring(0, 12) + " refs/heads/main by Test"
        + " <test@example.com>: Promote web to 6.6.6 (unsigned)");
    JsonNode json = ferry("status", "-c", config.toString(), "--json").json();
    assertThat(json.get("untrusted")).anySatisfy(u -> assertThat(u.get("commit").asText()).isEqualTo(forged));
  }

  @Test
  void keyProblemsExitTwoWithTheReason() throws Exception {
    String promote = "web=" + WEB + ":1.1.0@" + DIGEST;
    Run missing = ferry("promote", "-c", config("  signing: {format: ssh, keyFile: keys/nope}\n").toString(),
        "--no-resolve", promote, "--to", "dev");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("ferry.yaml:17:12", "the signing key file " + dir.resolve("keys/nope")
        + " does not exist");

    TestKeys.Ssh dsa = TestKeys.ssh(dir.resolve("keys"), "dsa", "");
    Run unsupported = ferry("promote", "-c", config("  signing: {format: ssh, keyFile: " + dsa.privateKey() + "}\n")
        .toString(), "--no-resolve", promote, "--to", "dev");
    assertThat(unsupported.exit()).isEqualTo(2);
    assertThat(unsupported.err()).contains("is a ssh-dss key, which Ferry does not sign with");

    TestKeys.Ssh locked = TestKeys.ssh(dir.resolve("keys"), "ed25519", "s3cret-passphrase");
    Run noPassphrase = ferry("promote", "-c", config("  signing: {format: ssh, keyFile: " + locked.privateKey()
        + ", passphraseEnv: FERRY_TEST_UNSET_PASSPHRASE}\n").toString(), "--no-resolve", promote, "--to", "dev");
    assertThat(noPassphrase.exit()).isEqualTo(2);
    assertThat(noPassphrase.err()).contains("variable FERRY_TEST_UNSET_PASSPHRASE (git.signing.passphraseEnv) is not set");

    // nothing was written by any of them
    assertThat(Git.run(bare, "rev-list", "--count", "main").trim()).isEqualTo("1");
  }
}
