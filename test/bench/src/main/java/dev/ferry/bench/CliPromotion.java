package dev.ferry.bench;

import dev.ferry.testing.GitDaemon;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a user sees: the {@code ferry} command line as a process (the launcher's JVM flags and
 * AppCDS archive), against a generated environment repository on {@code git daemon}, timed with
 * its peak RSS ({@code /usr/bin/time -f %M}), against the shell pipeline in the same run:
 * {@code ferry promote} cold (a fresh {@code FERRY_CACHE}, as on every CI runner) against
 * {@code git clone --depth 1} + sed + commit + push; warm (a kept cache) against a kept clone with
 * {@code git pull --ff-only}; {@code ferry status} and {@code ferry plan} warm against
 * {@code java -version}. The first promotion builds the state index from history and is reported
 * on its own.
 */
final class CliPromotion implements Scenario {

  /** Services in the configuration: one environment of the generated repository (a tenth of its files). */
  static final int ENV = 2;

  @Override
  public String name() {
    return "cli promotion";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    GeneratedEnvRepo generated = GeneratedEnvRepo.of(size);
    int repeats = size == Size.QUICK ? 3 : 5;
    Path work = Files.createTempDirectory("ferry-bench-cli-promotion");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      generated.copyTo(daemon.base().resolve("env.git"));
      String url = daemon.url("env.git");
      int services = generated.files() / 10;
      Path config = writeConfig(work, url, services);
      Path log = work.resolve("run.log");

      Run first = ferry(env, work, work.resolve("cache-first"), log, "promote", "-c", config.toString(),
          image(0, "first"), "--to", "env-" + ENV, "--no-resolve", "--json");
      List<Run> ferryCold = new ArrayList<>();
      List<Double> shellCold = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        ferryCold.add(ferry(env, work, work.resolve("cache-cold-" + i), log, "promote", "-c", config.toString(),
            image(1 + i % (services - 1), "cold-" + i), "--to", "env-" + ENV, "--no-resolve", "--json"));
        long t = System.nanoTime();
        shell(url, work, log, work.resolve("shell-cold-" + i), 1 + i, "shell-cold-" + i, true);
        shellCold.add(millis(t));
      }
      Path cache = work.resolve("cache-warm");
      Path clone = work.resolve("shell-warm");
      ferry(env, work, cache, log, "status", "-c", config.toString(), "--json");
      shell(url, work, log, clone, 2, "shell-prime", true);
      List<Run> ferryWarm = new ArrayList<>();
      List<Double> shellWarm = new ArrayList<>();
      List<Run> status = new ArrayList<>();
      List<Run> plan = new ArrayList<>();
      List<Double> javaVersion = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        ferryWarm.add(ferry(env, work, cache, log, "promote", "-c", config.toString(),
            image(1 + (i + 3) % (services - 1), "warm-" + i), "--to", "env-" + ENV, "--no-resolve", "--json"));
        long t = System.nanoTime();
        shell(url, work, log, clone, 3 + i, "shell-warm-" + i, false);
        shellWarm.add(millis(t));
        status.add(ferry(env, work, cache, log, "status", "-c", config.toString(), "--json"));
        plan.add(ferry(env, work, cache, log, "plan", "-c", config.toString(), image(1, "plan-" + i), "--to",
            "env-" + ENV, "--no-resolve", "--json"));
        t = System.nanoTime();
        if (GeneratedEnvRepo.run(work, log, "java", "-version") != 0) {
          throw new IllegalStateException("java -version failed");
        }
        javaVersion.add(millis(t));
      }

      String repo = generated.files() + " files, " + generated.commits() + " commits, " + services
          + " services in ferry.yaml";
      double loadAverage = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
      return List.of(
          row("cli promote, cold cache", ferryCold, shellCold, repo, loadAverage,
              "baseline: git clone --depth 1 + sed -i + git commit + git push; first promotion (builds the index) "
                  + first.millis() + " ms, " + first.rssMegabytes() + " MB"),
          row("cli promote, warm cache", ferryWarm, shellWarm, repo, loadAverage,
              "baseline: kept clone, git pull --ff-only + sed -i + git commit + git push"),
          row("cli status, warm cache", status, javaVersion, repo, loadAverage, "baseline: java -version"),
          row("cli plan, warm cache", plan, javaVersion, repo, loadAverage, "baseline: java -version"));
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }

  static Result row(String name, List<Run> ferry, List<Double> baseline, String repo, double load, String summary) {
    Map<String, Object> notes = new LinkedHashMap<>();
    notes.put("summary", summary);
    notes.put("repository", repo);
    notes.put("ferryMillis", ferry.stream().map(Run::millis).toList());
    notes.put("ferryRssMegabytes", ferry.stream().map(Run::rssMegabytes).toList());
    notes.put("baselineMillis", baseline);
    notes.put("loadAverage", load);
    System.err.printf(Locale.ROOT, "%-28s ferry %s ms (RSS %s MB), baseline %s ms%n", name,
        notes.get("ferryMillis"), notes.get("ferryRssMegabytes"), baseline);
    return new Result(name, "ms", false, GitPromotion.median(ferry.stream().map(Run::millis).toList()),
        GitPromotion.median(baseline), notes);
  }

  static String image(int service, String tag) {
    String name = String.format(Locale.ROOT, "svc-%04d", service);
    return name + "=registry.example.com/shop/" + name + ":" + tag;
  }

  static Path writeConfig(Path work, String url, int services) throws java.io.IOException {
    StringBuilder sb = new StringBuilder("apiVersion: ferry/v1\nrepos:\n  env: {url: \"" + url + "\", branch: main}\n"
        + "services:\n");
    for (int s = 0; s < services; s++) {
      String name = String.format(Locale.ROOT, "svc-%04d", s);
      sb.append("  ").append(name).append(": {image: registry.example.com/shop/").append(name).append("}\n");
    }
    sb.append("environments:\n  env-").append(ENV).append(":\n    repo: env\n    targets:\n"
        + "      \"*\": {helm: \"envs/env-").append(ENV).append("/{service}/values.yaml\"}\n");
    return Files.writeString(work.resolve("ferry.yaml"), sb.toString());
  }

  /** One launch of the CLI: wall time and peak RSS. */
  record Run(double millis, double rssMegabytes) {
  }

  static Run ferry(Environment env, Path work, Path cache, Path log, String... args) throws Exception {
    Path rss = Files.createTempFile(work, "rss", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command(env, rss, args)).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("FERRY_CACHE", cache.toString());
    long t = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("ferry " + String.join(" ", args) + " did not finish in 600 s");
    }
    double ms = millis(t);
    if (p.exitValue() != 0) {
      throw new IllegalStateException("ferry " + String.join(" ", args) + " exited " + p.exitValue() + ": "
          + tail(log));
    }
    return new Run(ms, rssMegabytes(rss));
  }

  /** The launcher's command line for {@code args}, under {@code /usr/bin/time} writing peak RSS (KB) to {@code rss}. */
  static List<String> command(Environment env, Path rss, String... args) {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString(), "java"));
    cmd.addAll(Environment.LAUNCHER_FLAGS);
    if (Files.exists(env.cdsArchive())) {
      cmd.addAll(env.archiveFlags());
    }
    cmd.addAll(List.of("-cp", env.ferryJar().toString(), "dev.ferry.cli.Main"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The peak RSS in MB that {@code /usr/bin/time -f %M} wrote. */
  static double rssMegabytes(Path rss) throws java.io.IOException {
    String kb = Files.readString(rss, StandardCharsets.UTF_8).strip();
    String last = kb.lines().reduce((a, b) -> b).orElse("0");
    return Math.round(Long.parseLong(last.strip()) / 102.4) / 10.0;
  }

  static String tail(Path log) throws java.io.IOException {
    String text = Files.readString(log);
    return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
  }

  static void shell(String url, Path work, Path log, Path dir, int service, String value, boolean clone)
      throws Exception {
    String file = String.format(Locale.ROOT, "envs/env-%d/svc-%04d/values.yaml", ENV, service);
    int code = clone
        ? GeneratedEnvRepo.run(work, log, "git", "clone", "-q", "--depth", "1", "--branch", "main", url, dir.toString())
        : GeneratedEnvRepo.run(dir, log, "git", "pull", "-q", "--ff-only", "origin", "main");
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "sed", "-i", "s/^  tag: .*/  tag: " + value + "/", file);
    }
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "git", "commit", "-q", "-am", "Promote svc-" + service + " to " + value);
    }
    if (code == 0) {
      code = GeneratedEnvRepo.run(dir, log, "git", "push", "-q", "origin", "HEAD:main");
    }
    if (code != 0) {
      throw new IllegalStateException("shell pipeline failed alone (exit " + code + "): " + tail(log));
    }
  }

  static double millis(long startNanos) {
    return Math.round((System.nanoTime() - startNanos) / 1e5) / 10.0;
  }
}
