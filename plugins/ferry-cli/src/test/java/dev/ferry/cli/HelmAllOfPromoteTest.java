package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.GitDaemon.Git;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code allOf: true} on a helm target through {@code ferry promote}: every key holding the
 * service's repository is set in one commit, and the render of the repository's chart (helm-java)
 * proves it, refusing a layout whose render runs a broken image.
 */
class HelmAllOfPromoteTest {

  static final String WEB = "registry.example.com/shop/web";
  static final String DIGEST = "sha256:" + "d".repeat(64);

  @TempDir Path dir;

  record Run(int exit, String out, String err) { }

  static Run ferry(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(exit, out.toString(), err.toString());
  }

  /** A chart whose web and worker containers both run the web image, the worker's from {@code workerImage}. */
  private Path envRepo(String workerValues, String workerImage) throws Exception {
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Git.run(seed, "init", "-q", "-b", "main");
    Files.createDirectories(seed.resolve("charts/app/templates"));
    Files.writeString(seed.resolve("charts/app/Chart.yaml"), "apiVersion: v2\nname: app\nversion: 0.1.0\n");
    Files.writeString(seed.resolve("charts/app/templates/deployment.yaml"), """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ .Release.Name }}
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
                - name: worker
                  image: "%s"
        """.formatted(workerImage));
    Path values = seed.resolve("envs/dev/web/values.yaml");
    Files.createDirectories(values.getParent());
    Files.writeString(values, "image:\n  repository: " + WEB + "\n  tag: \"1.0.0\"\n" + workerValues);
    Git.run(seed, "add", "-A");
    Git.run(seed, "commit", "-q", "-m", "seed");
    Git.run(dir, "clone", "-q", "--bare", seed.toString(), dir.resolve("env.git").toString());
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
            targets: {"*": {helm: "envs/{env}/{service}/values.yaml", chart: charts/app, allOf: true}}
        """.formatted(WEB));
    return config;
  }

  private String valuesAtHead() throws Exception {
    return Git.run(dir, "--git-dir", dir.resolve("env.git").toString(), "show", "main:envs/dev/web/values.yaml");
  }

  @Test
  void everyKeyHoldingTheRepositoryIsPromotedAndProvenByTheRender() throws Exception {
    Path config = envRepo("worker:\n  image:\n    repository: " + WEB + "\n    tag: \"1.0.0\"\n",
        "{{ .Values.worker.image.repository }}:{{ .Values.worker.image.tag }}");
    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "dev");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).contains("proving the edit of envs/dev/web/values.yaml by its render");
    String values = valuesAtHead();
    assertThat(values.split("1\\.1\\.0@" + DIGEST, -1)).hasSize(3);
    assertThat(values).doesNotContain("1.0.0");
  }

  @Test
  void aLayoutWhoseRenderRunsABrokenImageIsRefusedAndNothingIsPushed() throws Exception {
    // the worker's chart appends its own 'version' to a string image: the edit is valid YAML, the render is not a valid image
    Path config = envRepo("worker:\n  image: " + WEB + "\n  version: \"1.0.0\"\n",
        "{{ .Values.worker.image }}:{{ .Values.worker.version }}");
    String before = valuesAtHead();
    Run r = ferry("promote", "-c", config.toString(), "--no-resolve", "web=" + WEB + ":1.1.0@" + DIGEST, "--to", "dev");
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).contains("envs/dev/web/values.yaml every key holding " + WEB);
    assertThat(valuesAtHead()).isEqualTo(before);
  }
}
