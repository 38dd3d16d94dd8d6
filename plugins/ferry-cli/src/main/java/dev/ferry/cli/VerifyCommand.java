package dev.ferry.cli;

import dev.ferry.core.ExternalException;
import dev.ferry.core.gate.GateOutcome;
import dev.ferry.core.gate.GateStatus;
import dev.ferry.core.gate.Sleeper;
import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.RollbackResult;
import dev.ferry.core.promote.VerifyResult;
import dev.ferry.core.promote.Verifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ferry verify}: runs an environment's gates and records the evidence in git. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Run the gates of an environment against what is deployed there and record the",
        "evidence as a git note on the promotion commits. Exit 1 when a gate fails. With rollback: auto,",
        "a failed gate rolls back the services whose image Ferry promoted and never verified there."})
public final class VerifyCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--env", required = true, paramLabel = "ENV", description = "The environment.")
  String env;

  @Parameters(arity = "0..*", paramLabel = "SERVICE", description = "Services to verify (default: all with a target there).")
  List<String> services = List.of();

  @Option(names = "--timeout", paramLabel = "DURATION", description = "How long the gates may take (default: the environment's gateTimeout).")
  String timeout;

  @Option(names = "--junit", paramLabel = "FILE", description = "Also write the gate results as JUnit XML.")
  Path junit;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      VerifyResult result = new Verifier(promoter, Sleeper.SYSTEM)
          .verify(env, ServiceImages.services(services), timeout == null ? null : DurationOption.parse("--timeout", timeout));
      console.result(Results.verify(result), text(result));
      if (junit != null) {
        writeJunit(junit, result);
      }
      result.rollbackErrors().forEach(e -> console.say("ferry: could not roll back " + e));
      return Results.exitCode(result);
    }
  }

  static String text(VerifyResult r) {
    StringBuilder out = new StringBuilder();
    out.append(r.passed() ? "Verified " : "Verification FAILED in ").append(r.environment()).append(": ");
    out.append(String.join(", ", r.images().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList())).append('\n');
    for (GateOutcome o : r.outcomes()) {
      out.append("  ").append(o.status() == GateStatus.PASSED ? "ok  " : "FAIL").append(' ').append(o.gate())
          .append(": ").append(o.reason()).append('\n');
    }
    for (RollbackResult rb : r.rollbacks()) {
      out.append("  rolled back ").append(rb.service()).append(" to ").append(rb.restored())
          .append("; blocked ").append(rb.blocked()).append('\n');
      rb.rolloutsAborted().forEach(a -> out.append("  aborted Rollout ").append(a).append('\n'));
      rb.rolloutAbortFailures().forEach(f -> out.append("  Rollout not aborted: ").append(f).append('\n'));
    }
    return out.toString();
  }

  static void writeJunit(Path file, VerifyResult r) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    long failures = r.outcomes().stream().filter(o -> o.status() != GateStatus.PASSED).count();
    xml.append("<testsuite name=\"ferry verify ").append(Xml.escape(r.environment())).append("\" tests=\"")
        .append(r.outcomes().size()).append("\" failures=\"").append(failures).append("\">\n");
    for (GateOutcome o : r.outcomes()) {
      xml.append("  <testcase classname=\"ferry.gates.").append(Xml.escape(r.environment())).append("\" name=\"")
          .append(Xml.escape(o.gate())).append("\">");
      if (o.status() != GateStatus.PASSED) {
        xml.append("<failure message=\"").append(Xml.escape(o.status() + ": " + o.reason())).append("\"/>");
      }
      xml.append("</testcase>\n");
    }
    xml.append("</testsuite>\n");
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ExternalException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
