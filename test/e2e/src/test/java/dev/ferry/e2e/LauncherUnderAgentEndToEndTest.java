package dev.ferry.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.GitDaemon.Git;
import dev.ferry.testing.TestKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher {@code ./ferry}, with its AppCDS archive, in a JVM that runs a class-file hook:
 * JFR here, started through {@code JAVA_TOOL_OPTIONS} as an APM agent injected into a CI pod would
 * be. A signed and trusted promotion with an ed25519 key loads Bouncy Castle's classes, some of
 * them from the archive; an archived class that the jar holds only under {@code META-INF/versions}
 * crashed the JVM there (SIGSEGV, exit 134), which ArchiveTraining now keeps out of the archive.
 */
class LauncherUnderAgentEndToEndTest {

  @TempDir Path dir;

  @Test
  void aSignedPromotionWithAnEd25519KeyRunsUnderJfrWithTheArchive() throws Exception {
    Path jar = FerryProcess.jar().toAbsolutePath();
    Path archive = Path.of(jar.toString().replaceAll("\\.jar$", ".jsa"));
    assertThat(archive).as("the build makes the archive beside the jar").isRegularFile();
    Path launcher = jar.getParent().resolve("../../../ferry").normalize();
    assertThat(launcher).isRegularFile();

    Path bare = dir.resolve("env.git");
    Git.run(dir, "init", "-q", "--bare", "-b", "main", bare.toString());
    Path seed = Files.createDirectories(dir.resolve("seed/envs/dev/web"));
    Files.writeString(seed.resolve("values.yaml"), "image:\n  repository: registry.example.com/shop/web\n  tag: \"1.0.0\"\n");
    Path work = dir.resolve("seed");
    Git.run(work, "init", "-q", "-b", "main");
    Git.run(work, "add", "-A");
    Git.run(work, "commit", "-q", "-m", "environments");
    Git.run(work, "push", "-q", bare.toString(), "main");

    TestKeys.Ssh key = TestKeys.ssh(dir.resolve("keys"), "ed25519", "");
    Path allowed = TestKeys.allowedSigners(dir, List.of(key), List.of("ferry@localhost"));
    Path config = Files.writeString(dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: "%s", branch: main}
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          dev: {repo: env, targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}}
        git:
          signing: {format: ssh, keyFile: "%s"}
          trust: {allowedSigners: "%s"}
        """.formatted(bare, key.privateKey(), allowed));

    // the launcher maps the archive with -Xshare:auto, which goes on silently without one that does
    // not fit: make sure that this one fits this jar, so that the run below runs with it
    Process share = new ProcessBuilder("java", "-Xshare:on", "-XX:SharedArchiveFile=" + archive,
        "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0", "-cp", jar.toString(), "dev.ferry.cli.Main",
        "--version").redirectErrorStream(true).start();
    String shared = new String(share.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(share.waitFor()).as(shared).isZero();

    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "promote", "-c", config.toString(),
        "web=registry.example.com/shop/web:1.1.0", "--to", "dev", "--no-resolve", "--json").directory(dir.toFile());
    pb.environment().put("FERRY_JAR", jar.toString());
    pb.environment().put("FERRY_CACHE", dir.resolve("cache").toString());
    pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + dir.resolve("run.jfr"));
    Path err = dir.resolve("err.txt");
    pb.redirectOutput(dir.resolve("out.json").toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(stderr).as("JFR ran").contains("Picked up JAVA_TOOL_OPTIONS");
    assertThat(Files.readString(dir.resolve("out.json"))).contains("\"noop\" : false");
    assertThat(Git.run(bare, "show", "main:envs/dev/web/values.yaml")).contains("tag: \"1.1.0\"");
    Git.run(bare, "-c", "gpg.ssh.allowedSignersFile=" + allowed, "verify-commit", "main");
  }
}
