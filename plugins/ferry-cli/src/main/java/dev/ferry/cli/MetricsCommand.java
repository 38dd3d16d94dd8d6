package dev.ferry.cli;

import dev.ferry.core.config.FerryConfig;
import dev.ferry.core.edit.AtomicFile;
import dev.ferry.core.metrics.DeliveryRecords;
import dev.ferry.core.metrics.Exposition;
import dev.ferry.core.metrics.MetricsReport;
import dev.ferry.core.promote.Promoter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry metrics}: the four DORA keys per environment and service, from git alone. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
    description = {"Show the DORA keys per environment and service, read from Ferry's records in git:",
        "deployment frequency, lead time for changes, change failure rate and time to restore."})
public final class MetricsCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--env", paramLabel = "ENV", description = "Only this environment (repeatable).")
  List<String> environments = new ArrayList<>();

  @Option(names = "--service", paramLabel = "SERVICE", description = "Only this service.")
  String service;

  @Option(names = "--since", paramLabel = "DURATION", description = "The window, up to now (default: metrics.since, or 30d).")
  String since;

  @Option(names = "--openmetrics", description = "Write the OpenMetrics text format (for a textfile collector or a Pushgateway).")
  boolean openMetrics;

  @Option(names = "--output", paramLabel = "FILE",
      description = "With --openmetrics: write FILE atomically (a textfile collector never reads half a file).")
  Path output;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    FerryConfig loaded = config.load();
    Duration window = since == null ? loaded.metrics().since() : DurationOption.parse("--since", since);
    if (output != null && !openMetrics) {
      throw new dev.ferry.core.InputException("--output goes with --openmetrics");
    }
    try (Promoter promoter = config.promoter(loaded, false, console)) {
      Instant now = promoter.context().clock().instant();
      DeliveryRecords records = DeliveryRecords.read(promoter, environments, service);
      MetricsReport report = records.report(window, now, loaded.metrics().targets());
      if (openMetrics) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
          Exposition.writeOpenMetrics(bytes, records.snapshots(report, now));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        if (output != null) {
          AtomicFile.writeIfChanged(output, java.nio.file.Files.isRegularFile(output) ? AtomicFile.read(output) : "", text);
          console.say("ferry: wrote " + output);
        } else {
          console.out().print(text);
          console.out().flush();
        }
        return 0;
      }
      console.result(report, table(report));
      return 0;
    }
  }

  static String table(MetricsReport report) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ENV", "SERVICE", "DEPLOYS", "PER DAY", "LEAD TIME p50/p90", "FAILURE RATE", "RESTORE p50/p90", "UNRESTORED"});
    report.environments().forEach((env, keys) -> {
      rows.add(row(env, "*", keys));
      keys.services().forEach((service, own) -> rows.add(row(env, service, own)));
    });
    StringBuilder out = new StringBuilder("Since " + report.since() + " (" + report.windowDays() + " days)\n");
    out.append(Table.render(rows));
    report.environments().forEach((env, keys) -> keys.targets().forEach((key, check) -> out.append("  ").append(env)
        .append(": ").append(key).append(" target ").append(check.target()).append(": ")
        .append(check.met() == null ? "nothing measured" : check.met() ? "met" : "missed").append('\n')));
    return out.toString();
  }

  private static String[] row(String env, String service, MetricsReport.Keys k) {
    return new String[] {env, service, String.valueOf(k.deployments()), String.valueOf(k.deploymentsPerDay()),
        spread(k.leadTimeSeconds()), k.changeFailureRate() == null ? "-" : percent(k.changeFailureRate()),
        spread(k.timeToRestoreSeconds()), String.valueOf(k.unrestored())};
  }

  private static String percent(double ratio) {
    return Math.round(ratio * 1000) / 10.0 + "%";
  }

  private static String spread(MetricsReport.Spread s) {
    return s.count() == 0 ? "-" : StatusCommand.age(Duration.ofSeconds(s.median())) + " / " + StatusCommand.age(Duration.ofSeconds(s.p90()));
  }
}
