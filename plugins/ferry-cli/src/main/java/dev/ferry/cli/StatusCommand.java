package dev.ferry.cli;

import dev.ferry.core.promote.Promoter;
import dev.ferry.core.promote.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ferry status}: services by environments. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show a table of services by environments: image, digest, commit, age and state (verified, failed, blocked, pending).")
public final class StatusCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    try (Promoter promoter = config.promoter(config.load(), false, console)) {
      Status status = Status.read(promoter);
      console.result(status, table(status, Instant.now()));
      return 0;
    }
  }

  static String table(Status status, Instant now) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SERVICE", "ENV", "IMAGE", "DIGEST", "COMMIT", "AGE", "STATE"});
    for (Status.Cell c : status.cells()) {
      rows.add(new String[] {c.service(), c.environment(), shortImage(c.image()),
          c.digest() == null ? "-" : c.digest().substring(0, Math.min(19, c.digest().length())),
          c.commit() == null ? "-" : c.commit().substring(0, 12),
          c.since() == null ? "-" : age(Duration.between(c.since(), now)), c.state()});
    }
    StringBuilder out = new StringBuilder(Table.render(rows));
    if (!status.blocks().isEmpty()) {
      out.append("\nBlocked:\n");
      status.blocks().forEach(b -> out.append("  ").append(b.environment()).append(' ').append(b.service())
          .append(' ').append(b.image()).append(": ").append(b.reason()).append('\n'));
    }
    if (!status.untrusted().isEmpty()) {
      out.append("\nUntrusted records (not signed by a key git.trust names; they count for nothing):\n");
      status.untrusted().forEach(u -> out.append("  ").append(u.commit(), 0, 12).append(' ').append(u.ref())
          .append(" by ").append(plain(u.author())).append(": ").append(plain(u.subject()))
          .append(" (").append(plain(u.reason())).append(")\n"));
    }
    return out.toString();
  }

  /** Text a commit's author wrote, with control characters (terminal escapes, CI log commands) shown as '?'. */
  static String plain(String text) {
    StringBuilder s = new StringBuilder(text.length());
    text.codePoints().forEach(c -> s.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return s.toString();
  }

  private static String shortImage(String image) {
    int at = image.indexOf('@');
    return at < 0 ? image : image.substring(0, at);
  }

  static String age(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 7200) {
      return s / 60 + "m";
    }
    if (s < 172800) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }
}
