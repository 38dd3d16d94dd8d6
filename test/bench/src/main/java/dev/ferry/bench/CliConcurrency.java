package dev.ferry.bench;

import dev.ferry.testing.GitDaemon;
import dev.ferry.testing.TestKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * N {@code ferry promote} processes of distinct services into one branch (8 quick, 64 full), each
 * with its own warm cache (a copy of one primed cache, as agents that promoted before): all started
 * at once, against the same N run one after the other, commits signed with an ssh key and checked
 * with {@code git.trust} (which lets a promoter that lost a race queue for the next push to carry).
 * Every promotion must land either way; the rows compare the wall time, and the notes give the
 * attempts each needed and the peak RSS.
 */
final class CliConcurrency implements Scenario {

  private static final Pattern ATTEMPTS = Pattern.compile("\"attempts\"\\s*:\\s*(\\d+)");

  @Override
  public String name() {
    return "cli concurrent promoters";
  }

  /** What one launch gave. */
  private record Launch(int attempts, double rssMegabytes, boolean carried) {
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    GeneratedEnvRepo generated = GeneratedEnvRepo.of(size);
    int promoters = size == Size.QUICK ? 8 : 64;
    Path work = Files.createTempDirectory("ferry-bench-cli-concurrency");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      generated.copyTo(daemon.base().resolve("env.git"));
      String url = daemon.url("env.git");
      int services = generated.files() / 10;
      Path config = CliPromotion.writeConfig(work, url, services);
      // signed and trusted, as a platform that guards its environment branches runs: promoters that
      // lose a race then queue, and the next push carries them (docs/git.md, "Queued promotions")
      TestKeys.Ssh key = TestKeys.ssh(work.resolve("keys"), "ed25519", "");
      Path allowed = TestKeys.allowedSigners(work, List.of(key), List.of("ferry@localhost"));
      Files.writeString(config, Files.readString(config) + "git:\n  signing: {format: ssh, keyFile: " + key.privateKey()
          + "}\n  trust: {allowedSigners: " + allowed + "}\n");
      Path log = work.resolve("prime.log");
      Path primed = work.resolve("cache-primed");
      CliPromotion.ferry(env, work, primed, log, "promote", "-c", config.toString(),
          CliPromotion.image(0, "prime"), "--to", "env-" + CliPromotion.ENV, "--no-resolve", "--json");

      // every promoter's cache is copied before the clock starts: the figures measure promoting
      for (int i = 0; i < promoters; i++) {
        GeneratedEnvRepo.copyTree(primed, work.resolve("cache-serial-" + i));
        GeneratedEnvRepo.copyTree(primed, work.resolve("cache-concurrent-" + i));
      }
      long t = System.nanoTime();
      List<Launch> serial = new ArrayList<>();
      for (int i = 0; i < promoters; i++) {
        Process p = start(env, work, config, "serial", i, services);
        serial.add(finish(p, work, "serial", i));
      }
      double serialMillis = CliPromotion.millis(t);

      List<Process> procs = new ArrayList<>();
      t = System.nanoTime();
      for (int i = 0; i < promoters; i++) {
        procs.add(start(env, work, config, "concurrent", i, services));
      }
      List<Launch> concurrent = new ArrayList<>();
      for (int i = 0; i < promoters; i++) {
        concurrent.add(finish(procs.get(i), work, "concurrent", i));
      }
      double concurrentMillis = CliPromotion.millis(t);

      Map<String, Object> notes = new LinkedHashMap<>();
      notes.put("summary", promoters + " ferry promote processes of distinct services into one branch of "
          + generated.files() + " files on git daemon, signed and trusted: ferry = all at once, baseline = one after the other;"
          + " every promotion landed in both");
      notes.put("attemptsConcurrent", concurrent.stream().map(Launch::attempts).toList());
      notes.put("attemptsSerial", serial.stream().map(Launch::attempts).toList());
      notes.put("carriedByAnotherPushConcurrent", concurrent.stream().filter(Launch::carried).count());
      notes.put("peakRssMegabytesConcurrent", concurrent.stream().mapToDouble(Launch::rssMegabytes).max().orElse(0));
      notes.put("peakRssMegabytesSerial", serial.stream().mapToDouble(Launch::rssMegabytes).max().orElse(0));
      notes.put("loadAverage", Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
      System.err.printf(Locale.ROOT, "%-28s %d at once %.0f ms (attempts %s, %s carried), one after the other %.0f ms%n",
          name(), promoters, concurrentMillis, notes.get("attemptsConcurrent"), notes.get("carriedByAnotherPushConcurrent"),
          serialMillis);
      return List.of(new Result(promoters + " cli promoters at once vs serial", "ms", false, concurrentMillis,
          serialMillis, notes));
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }

  private static Process start(Environment env, Path work, Path config, String mode, int i, int services)
      throws Exception {
    Path cache = work.resolve("cache-" + mode + "-" + i);
    String[] args = {"promote", "-c", config.toString(), CliPromotion.image(1 + i % (services - 1), mode + "-" + i),
        "--to", "env-" + CliPromotion.ENV, "--no-resolve", "--json"};
    ProcessBuilder pb = new ProcessBuilder(CliPromotion.command(env, work.resolve("rss-" + mode + "-" + i), args))
        .directory(work.toFile())
        .redirectOutput(work.resolve("out-" + mode + "-" + i + ".json").toFile())
        .redirectError(work.resolve("err-" + mode + "-" + i + ".log").toFile());
    pb.environment().put("FERRY_CACHE", cache.toString());
    return pb.start();
  }

  private static Launch finish(Process p, Path work, String mode, int i) throws Exception {
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(mode + " promoter " + i + " did not finish in 600 s");
    }
    String out = Files.readString(work.resolve("out-" + mode + "-" + i + ".json"));
    if (p.exitValue() != 0) {
      throw new IllegalStateException(mode + " promoter " + i + " exited " + p.exitValue() + ": "
          + CliPromotion.tail(work.resolve("err-" + mode + "-" + i + ".log")));
    }
    Matcher m = ATTEMPTS.matcher(out);
    return new Launch(m.find() ? Integer.parseInt(m.group(1)) : -1,
        CliPromotion.rssMegabytes(work.resolve("rss-" + mode + "-" + i)),
        Files.readString(work.resolve("err-" + mode + "-" + i + ".log")).contains("carried this promotion"));
  }
}
