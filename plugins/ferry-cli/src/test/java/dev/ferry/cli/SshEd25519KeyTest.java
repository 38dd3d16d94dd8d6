package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.GitSshServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An ed25519 deploy key (what {@code ssh-keygen} makes by default) against the real OpenSSH sshd,
 * through the CLI with its own class path: the EdDSA provider must ship with Ferry, not come
 * from a test dependency.
 */
class SshEd25519KeyTest {

  @TempDir Path dir;

  @Test
  void promotesOverSshWithAnEd25519Key() throws Exception {
    try (GitSshServer ssh = GitSshServer.start(dir.resolve("srv"))) {
      Path bare = ssh.createBareRepo("env.git");
      Path seed = Files.createDirectories(dir.resolve("seed"));
      Git.run(seed, "init", "-q", "-b", "main");
      Files.createDirectories(seed.resolve("envs/dev"));
      Files.writeString(seed.resolve("envs/dev/values.yaml"), "image:\n  repository: registry.example.com/shop/web\n"
          + "  tag: \"1.0.0\"\n");
      Git.run(seed, "add", "-A");
      Git.run(seed, "commit", "-q", "-m", "seed");
      Git.run(seed, "push", "-q", bare.toString(), "main");
      assertThat(Files.readString(ssh.clientKey())).contains("OPENSSH PRIVATE KEY");
      assertThat(Files.readString(Path.of(ssh.clientKey() + ".pub"))).startsWith("ssh-ed25519 ");
      Path config = dir.resolve("ferry.yaml");
      Files.writeString(config, """
          apiVersion: ferry/v1
          repos:
            env: {url: "%s", branch: main, auth: {sshKeyFile: "%s", knownHostsFile: "%s"}}
          services:
            web: {image: registry.example.com/shop/web}
          environments:
            dev:
              repo: env
              targets: {"*": {helm: "envs/{env}/values.yaml"}}
          """.formatted(ssh.url("env.git"), ssh.clientKey(), ssh.knownHosts()));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = Main.run(new String[] {"promote", "-c", config.toString(), "--no-resolve",
          "web=registry.example.com/shop/web:1.1.0", "--to", "dev", "--json"},
          new PrintWriter(out, true), new PrintWriter(err, true));
      assertThat(exit).as(err.toString()).isZero();
      assertThat(Git.run(bare, "show", "main:envs/dev/values.yaml")).contains("tag: \"1.1.0\"");
    }
  }
}
