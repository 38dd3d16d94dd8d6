package dev.ferry.bench;

import dev.ferry.testing.GitDaemon;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The start-up choice of issue #11: the launcher's JDK 17 with the AppCDS archive {@code ferry.jsa}
 * against a JDK 25 with an AOT cache (JEP 483, trained on the same {@code ArchiveTraining} run),
 * for what a pipeline runs: {@code ferry status} and {@code ferry promote} warm, on the generated
 * repository, interleaved. CPU (user + system) is reported besides wall time, because it depends
 * less on what else the machine runs. The JDK 25 is {@code FERRY_JDK25} or the first
 * {@code /usr/lib/jvm/*25*}; without one the scenario says so and gives no row.
 */
final class AotCache implements Scenario {

  @Override
  public String name() {
    return "jdk 25 aot cache";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    Optional<Path> jdk25 = jdk25();
    if (jdk25.isEmpty()) {
      System.err.println("jdk 25 aot cache: no JDK 25 found (set FERRY_JDK25): not measured");
      return List.of();
    }
    Path java25 = jdk25.get().resolve("bin/java");
    GeneratedEnvRepo generated = GeneratedEnvRepo.of(size);
    int rounds = size == Size.QUICK ? 3 : 7;
    Path work = Files.createTempDirectory("ferry-bench-aot");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      Path aot = train(java25, env, work);
      generated.copyTo(daemon.base().resolve("env.git"));
      int services = generated.files() / 10;
      Path config = CliPromotion.writeConfig(work, daemon.url("env.git"), services);
      Path cache = work.resolve("cache");
      Path log = work.resolve("run.log");
      CliPromotion.ferry(env, work, cache, log, "promote", "-c", config.toString(), CliPromotion.image(0, "first"),
          "--to", "env-" + CliPromotion.ENV, "--no-resolve", "--json");
      List<String> appCds = new ArrayList<>(List.of("java"));
      appCds.addAll(Environment.LAUNCHER_FLAGS);
      appCds.addAll(env.archiveFlags());
      List<String> aotCache = new ArrayList<>(List.of(java25.toString()));
      aotCache.addAll(withoutXshare());
      aotCache.add("-XX:AOTCache=" + aot);
      // mapped where it was written, as the launcher maps ferry.jsa (the archive flags' reason)
      aotCache.addAll(List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0"));
      Map<String, List<double[]>> times = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        for (String jvm : List.of("jdk17-appcds", "jdk25-aot")) {
          List<String> base = jvm.equals("jdk17-appcds") ? appCds : aotCache;
          times.computeIfAbsent(jvm + " status", k -> new ArrayList<>())
              .add(launch(base, env, work, cache, log, "status", "-c", config.toString(), "--json"));
          times.computeIfAbsent(jvm + " promote", k -> new ArrayList<>())
              .add(launch(base, env, work, cache, log, "promote", "-c", config.toString(),
                  CliPromotion.image(1 + (r * 2 + (jvm.equals("jdk25-aot") ? 1 : 0)) % (services - 1), jvm + "-" + r),
                  "--to", "env-" + CliPromotion.ENV, "--no-resolve", "--json"));
        }
      }
      List<Result> rows = new ArrayList<>();
      for (String command : List.of("status", "promote")) {
        List<double[]> aotRuns = times.get("jdk25-aot " + command);
        List<double[]> cdsRuns = times.get("jdk17-appcds " + command);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("summary", "ferry: JDK 25 with -XX:AOTCache trained on ArchiveTraining; baseline: JDK 17 with the"
            + " launcher's AppCDS archive; warm cache, interleaved");
        notes.put("aotMillis", aotRuns.stream().map(a -> a[0]).toList());
        notes.put("appCdsMillis", cdsRuns.stream().map(a -> a[0]).toList());
        notes.put("aotCpuMillis", aotRuns.stream().map(a -> a[1]).toList());
        notes.put("appCdsCpuMillis", cdsRuns.stream().map(a -> a[1]).toList());
        notes.put("loadAverage", Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        System.err.printf(Locale.ROOT, "%-28s aot %s ms (cpu %s), appcds %s ms (cpu %s)%n", "aot " + command,
            notes.get("aotMillis"), notes.get("aotCpuMillis"), notes.get("appCdsMillis"), notes.get("appCdsCpuMillis"));
        rows.add(new Result("cli " + command + ", jdk 25 aot vs jdk 17 appcds", "ms", false,
            GitPromotion.median(aotRuns.stream().map(a -> a[0]).toList()),
            GitPromotion.median(cdsRuns.stream().map(a -> a[0]).toList()), notes));
      }
      return rows;
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }

  private static Optional<Path> jdk25() throws IOException {
    String configured = System.getenv("FERRY_JDK25");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(Path.of(configured));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> d.getFileName().toString().contains("25") && Files.isExecutable(d.resolve("bin/java")))
          .sorted().findFirst();
    }
  }

  /** The launcher's flags but {@code -Xshare}, which the JDK refuses beside the AOT cache options. */
  private static List<String> withoutXshare() {
    return Environment.LAUNCHER_FLAGS.stream().filter(f -> !f.startsWith("-Xshare")).toList();
  }

  /** The AOT cache from one training run, as the build makes ferry.jsa. */
  private static Path train(Path java25, Environment env, Path work) throws Exception {
    Path aot = work.resolve("ferry.aot");
    Path training = Files.createDirectories(work.resolve("training"));
    List<String> cmd = new ArrayList<>(List.of(java25.toString(), "-XX:AOTCacheOutput=" + aot));
    cmd.addAll(withoutXshare());
    cmd.addAll(List.of("-cp", env.ferryJar().toString(), "dev.ferry.cli.ArchiveTraining"));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(training.toFile()).redirectErrorStream(true)
        .redirectOutput(work.resolve("aot-training.log").toFile());
    pb.environment().put("FERRY_CACHE", training.resolve("cache").toString());
    Process p = pb.start();
    if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(aot)) {
      p.destroyForcibly();
      throw new IllegalStateException("the JDK 25 AOT training failed: " + CliPromotion.tail(work.resolve("aot-training.log")));
    }
    return aot;
  }

  /** One launch: wall ms and CPU ms (user + system, from /usr/bin/time). */
  private static double[] launch(List<String> jvm, Environment env, Path work, Path cache, Path log, String... args)
      throws Exception {
    Path usage = Files.createTempFile(work, "usage", ".txt");
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S", "-o", usage.toString()));
    cmd.addAll(jvm);
    cmd.addAll(List.of("-cp", env.ferryJar().toString(), "dev.ferry.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("FERRY_CACHE", cache.toString());
    long t = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("ferry " + String.join(" ", args) + " failed: " + CliPromotion.tail(log));
    }
    double wall = CliPromotion.millis(t);
    String[] cpu = Files.readString(usage).strip().lines().reduce((a, b) -> b).orElse("0 0").split(" ");
    return new double[] {wall, Math.round((Double.parseDouble(cpu[0]) + Double.parseDouble(cpu[1])) * 1000)};
  }
}
