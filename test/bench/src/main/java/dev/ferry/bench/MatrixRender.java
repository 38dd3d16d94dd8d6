package dev.ferry.bench;

import dev.ferry.core.config.ConfigLoader;
import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.git.CommitInfo;
import dev.ferry.core.git.Trailer;
import dev.ferry.core.history.History;
import dev.ferry.core.promote.Status;
import dev.ferry.serve.Board;
import dev.ferry.serve.Dashboard;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's matrix page ({@code GET /}) rendered on the server for services × environments
 * (200 × 10 full, 50 × 5 quick), from a board whose status and history hold a Ferry promotion for
 * every cell, a third of them verified and a block every 17th service; the goal is under 200 ms at
 * 200 × 10. Baseline, in the same JVM and interleaved: the same cells written as a plain text table
 * (tag, digest, age, state per cell, as {@code ferry status} prints), the floor of touching each cell.
 */
final class MatrixRender implements Scenario {

  @Override
  public String name() {
    return "dashboard matrix render";
  }

  @Override
  public List<Result> run(Size size, Environment env) {
    int services = size == Size.QUICK ? 50 : 200;
    int envs = size == Size.QUICK ? 5 : 10;
    int rounds = size == Size.QUICK ? 30 : 60;
    Instant now = Instant.parse("2026-12-01T12:00:00Z");
    Board board = board(services, envs, now);

    long[] page = new long[rounds];
    long[] text = new long[rounds];
    int bytes = 0;
    for (int warm = 0; warm < 10; warm++) {
      Dashboard.matrixPage(board, "alice", now);
      plainTable(board.status(), now);
    }
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      bytes = Dashboard.matrixPage(board, "alice", now).getBytes(StandardCharsets.UTF_8).length;
      long t1 = System.nanoTime();
      plainTable(board.status(), now);
      long t2 = System.nanoTime();
      page[i] = t1 - t0;
      text[i] = t2 - t1;
    }
    Map<String, Object> notes = new LinkedHashMap<>();
    notes.put("services", services);
    notes.put("environments", envs);
    notes.put("rounds", rounds);
    notes.put("pageBytes", bytes);
    notes.put("pageMaxMs", max(page) / 1e6);
    notes.put("goalMs", 200);
    notes.put("baseline", "the same cells as a plain text table (StringBuilder), interleaved with each render");
    return List.of(new Result(name() + " " + services + "x" + envs + " (median)", "ms", false,
        median(page) / 1e6, median(text) / 1e6, notes));
  }

  static Board board(int services, int envs, Instant now) {
    StringBuilder yaml = new StringBuilder("apiVersion: ferry/v1\nrepos:\n  env: {url: env.git}\nservices:\n");
    for (int s = 0; s < services; s++) {
      yaml.append("  svc-").append(s).append(": {image: registry.example.com/team-").append(s % 12)
          .append("/svc-").append(s).append("}\n");
    }
    yaml.append("environments:\n");
    for (int e = 0; e < envs; e++) {
      yaml.append("  env-").append(e).append(":\n    repo: env\n    targets: {\"*\": {helm: \"envs/{env}/{service}/values.yaml\"}}\n");
      if (e > 0) {
        yaml.append("    after: env-").append(e - 1).append('\n');
      }
      if (e == envs - 1) {
        yaml.append("    approval: required\n    approvers: [alice]\n");
      }
    }
    FerryConfig config = ConfigLoader.parse("ferry.yaml", yaml.toString(), Path.of("."));
    List<Status.Cell> cells = new ArrayList<>();
    List<Status.Block> blocks = new ArrayList<>();
    List<CommitInfo> log = new ArrayList<>();
    List<String> envNames = config.environmentOrder();
    int n = 0;
    for (String e : envNames) {
      for (String s : config.services().keySet()) {
        String image = config.service(s).image().name() + ":1." + (n % 7) + ".0@sha256:" + String.format("%064x", n);
        String commit = String.format("%040x", n + 1);
        Instant at = now.minus(Duration.ofMinutes(n % 5000));
        String state = n % 3 == 0 ? Status.VERIFIED : n % 3 == 1 ? Status.PENDING : Status.FAILED;
        cells.add(new Status.Cell(s, e, image, "sha256:" + String.format("%064x", n), commit, at, state));
        log.add(new CommitInfo(commit, null, at, "ferry", "Promote " + s + " to " + e, "",
            List.of(new Trailer("Ferry-Kind", "promote"), new Trailer("Ferry-Environment", e),
                new Trailer("Ferry-Service", s), new Trailer("Ferry-Image", image),
                new Trailer("Ferry-Promotion-Id", Integer.toHexString(n))), null));
        if (n % 17 == 0) {
          blocks.add(new Status.Block(e, s, image.replace(":1.", ":9."), "gate failed: error rate 0.27 above 0.01", at, commit));
        }
        n++;
      }
    }
    java.util.Collections.reverse(log); // newest first, as git log gives it
    History history = History.of(log);
    Map<String, History> histories = new LinkedHashMap<>();
    envNames.forEach(e -> histories.put(e, history));
    return new Board(config, new Status(envNames, cells, blocks), histories, now);
  }

  private static String plainTable(Status status, Instant now) {
    StringBuilder out = new StringBuilder();
    for (Status.Cell c : status.cells()) {
      out.append(c.service()).append('\t').append(c.environment()).append('\t').append(c.image()).append('\t')
          .append(c.digest(), 0, 19).append('\t').append(Duration.between(c.since(), now).toMinutes()).append("m\t")
          .append(c.state()).append('\n');
    }
    return out.toString();
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static long max(long[] values) {
    return Arrays.stream(values).max().orElse(0);
  }
}
