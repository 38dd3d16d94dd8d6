package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time of the commands a CI pipeline runs many times, launched as the {@code ferry}
 * launcher launches them (its JVM flags, {@code -cp ferry.jar dev.ferry.cli.Main}, the AppCDS
 * archive {@code ferry.jsa}), against {@code java -version} in the same run: {@code --version}
 * (also without the archive, and as a bare {@code java -jar ferry.jar}), {@code environments --json}
 * on a small ferry.yaml and {@code edit helm-image} on a small values file. Wall time is the median
 * of process launches interleaved round by round, so that load on the machine hits all of them
 * alike; CPU time (user + system, from bash's {@code time}) and the classes loaded (from
 * {@code -Xlog:class+load}, and how many of them came from the jar rather than an archive) are
 * measured in separate launches after the timed rounds.
 */
final class StartUp implements Scenario {

  /** One command line to launch; {@code expectOut} is how its output starts. */
  private record Launch(String name, List<String> command, String expectOut) {
  }

  @Override
  public String name() {
    return "start-up";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    if (!Files.isRegularFile(env.ferryJar()) || !Files.isRegularFile(env.cdsArchive())) {
      throw new IllegalStateException(env.ferryJar() + " or its archive is missing; build plugins/ferry-cli first");
    }
    int runs = size == Size.QUICK ? 5 : 21;
    int cpuRuns = size == Size.QUICK ? 3 : 7;
    Path dir = Files.createTempDirectory("ferry-bench-start-up");
    try {
      return run(runs, cpuRuns, dir, env);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.delete(f);
        }
      }
      Files.delete(dir);
    }
  }

  private List<Result> run(int runs, int cpuRuns, Path dir, Environment env) throws Exception {
    Path config = Files.writeString(dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: env.git, branch: main}
        services:
          web: {image: registry.example.com/shop/web}
        environments:
          dev: {repo: env, targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}}
          staging: {repo: env, after: dev, targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}}
          prod: {repo: env, after: staging, approval: required, approvers: [alice],
                 targets: {"*": {helm: "envs/{env}/{service}/values.yaml"}}}
        """);
    Path values = Files.writeString(dir.resolve("values.yaml"), """
        # web in dev
        replicaCount: 1
        image:
          repository: registry.example.com/shop/web
          tag: "1.0.0"   # promoted by ferry
        """);

    Launch java = new Launch("java -version", List.of("java", "-version"), null);
    List<Launch> ferry = List.of(
        new Launch("ferry --version, AppCDS", ferry(env, true, "--version"), "ferry "),
        new Launch("ferry --version, no AppCDS", ferry(env, false, "--version"), "ferry "),
        new Launch("java -jar ferry.jar --version", List.of("java", "-jar", env.ferryJar().toString(), "--version"),
            "ferry "),
        new Launch("ferry environments --json, AppCDS",
            ferry(env, true, "environments", "-c", config.toString(), "--json"), "{"),
        // the first launch sets the tag, every later one finds it set and leaves the file alone
        new Launch("ferry edit helm-image, AppCDS",
            ferry(env, true, "edit", "helm-image", values.toString(), "registry.example.com/shop/web:1.1.0"),
            values.toString()));

    // one untimed round so that every file is in the page cache
    time(java);
    for (Launch l : ferry) {
      time(l);
    }
    long[] tJava = new long[runs];
    long[][] tFerry = new long[ferry.size()][runs];
    for (int i = 0; i < runs; i++) {
      tJava[i] = time(java);
      for (int f = 0; f < ferry.size(); f++) {
        tFerry[f][i] = time(ferry.get(f));
      }
    }
    long javaCpu = medianCpu(java, cpuRuns, dir);
    int[] javaClasses = classes(java, dir);
    List<Result> rows = new ArrayList<>();
    double javaMs = median(tJava);
    String row = "%-36s %8s %8s %8s %8s %9s %12s%n";
    System.err.printf(row, "start-up (ms, classes)", "median", "min", "cpu", "classes", "from jar", "outside CDS");
    System.err.printf(row, java.name(), Math.round(javaMs), min(tJava), javaCpu, javaClasses[0], javaClasses[1],
        javaClasses[2]);
    for (int f = 0; f < ferry.size(); f++) {
      Launch l = ferry.get(f);
      long cpu = medianCpu(l, cpuRuns, dir);
      int[] classes = classes(l, dir);
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("baseline", "java -version");
      n.put("runs", runs);
      n.put("command", String.join(" ", l.command()));
      // the minimum is the run least disturbed by other work on the machine
      n.put("ferryMinMillis", min(tFerry[f]));
      n.put("javaMinMillis", min(tJava));
      n.put("ferryCpuMillis", cpu);
      n.put("javaCpuMillis", javaCpu);
      n.put("ferryClassesLoaded", classes[0]);
      n.put("ferryClassesFromJar", classes[1]);
      n.put("ferryClassesOutsideCds", classes[2]);
      n.put("javaClassesLoaded", javaClasses[0]);
      n.put("ferryMillis", Arrays.stream(tFerry[f]).map(t -> t / 1_000_000).toArray());
      n.put("javaMillis", Arrays.stream(tJava).map(t -> t / 1_000_000).toArray());
      rows.add(new Result("start-up: " + l.name(), "ms", false, median(tFerry[f]), javaMs, n));
      System.err.printf(row, l.name(), Math.round(median(tFerry[f])), min(tFerry[f]), cpu, classes[0], classes[1],
          classes[2]);
    }
    return rows;
  }

  /** The launcher's command line: its flags, the archive when {@code cds}, the class path and main class. */
  private static List<String> ferry(Environment env, boolean cds, String... args) {
    List<String> c = new ArrayList<>(List.of("java"));
    c.addAll(Environment.LAUNCHER_FLAGS);
    if (cds) {
      c.addAll(env.archiveFlags());
    }
    c.addAll(List.of("-cp", env.ferryJar().toString(), "dev.ferry.cli.Main"));
    c.addAll(List.of(args));
    return c;
  }

  /** Wall time of one launch in nanoseconds; checks the exit code and, when given, the output. */
  private static long time(Launch launch) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(launch.command()).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    waitFor(p, launch.command());
    long elapsed = System.nanoTime() - start;
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || (launch.expectOut() != null && !text.startsWith(launch.expectOut()))) {
      throw new IllegalStateException(launch.name() + " failed (exit " + p.exitValue() + "): " + text);
    }
    return elapsed;
  }

  /** Median user + system CPU milliseconds of the launch, as bash's {@code time} reports them. */
  private static long medianCpu(Launch launch, int runs, Path dir) throws IOException, InterruptedException {
    long[] cpu = new long[runs];
    Path report = dir.resolve("cpu.txt");
    for (int i = 0; i < runs; i++) {
      List<String> c = new ArrayList<>(List.of("bash", "-c",
          "TIMEFORMAT='%3U %3S'; { time \"$@\" >/dev/null 2>&1; } 2>\"$0\"", report.toString()));
      c.addAll(launch.command());
      Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      waitFor(p, c);
      String[] userSys = Files.readString(report).trim().split("\\s+");
      cpu[i] = Math.round((Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1])) * 1000);
    }
    Arrays.sort(cpu);
    return cpu[runs / 2];
  }

  /**
   * Classes the launch loads, how many of them it read from a jar, and how many did not come from a
   * CDS archive at all (those from the jar and those made at run time: annotation proxies, lambdas).
   */
  private static int[] classes(Launch launch, Path dir) throws IOException, InterruptedException {
    Path log = dir.resolve("classes.txt");
    List<String> c = new ArrayList<>(launch.command());
    c.add(1, "-Xlog:class+load:file=" + log);
    Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    waitFor(p, c);
    List<String> lines = Files.readAllLines(log);
    int fromJar = (int) lines.stream().filter(l -> l.contains("source: jar:") || l.contains("source: file:")).count();
    int outsideCds = (int) lines.stream().filter(l -> !l.contains("source: shared objects file")).count();
    return new int[] {lines.size(), fromJar, outsideCds};
  }

  private static void waitFor(Process p, List<String> command) throws InterruptedException {
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " took longer than 60 s");
    }
  }

  private static long min(long[] nanos) {
    return Arrays.stream(nanos).min().orElse(0) / 1_000_000;
  }

  private static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mid = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return mid / 1e6;
  }
}
