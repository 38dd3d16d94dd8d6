package dev.ferry.cli;

import dev.ferry.core.ExternalException;
import dev.ferry.core.promote.Promoter;
import dev.ferry.serve.Board;
import dev.ferry.serve.Report;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ferry report --html FILE}: the matrix and recent history as one self-contained HTML file. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write the matrix of services by environments and the recent history as one HTML file (no script).")
public final class ReportCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--html", required = true, paramLabel = "FILE", description = "The HTML file to write.")
  Path html;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    Instant now = Instant.now();
    String page;
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      page = Report.html(Board.read(promoter, now), now);
    }
    Path target = html.toAbsolutePath();
    try {
      // written beside the target and moved in: a reader never sees half a report
      Path dir = target.getParent();
      Files.createDirectories(dir);
      Path temp = Files.createTempFile(dir, ".ferry-report-", ".html");
      try {
        Files.writeString(temp, page, StandardCharsets.UTF_8);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new ExternalException("cannot write " + target + ": " + e.getMessage(), e);
    }
    console.result(Map.of("html", target.toString(), "bytes", page.getBytes(StandardCharsets.UTF_8).length),
        "Wrote " + target);
    return 0;
  }
}
