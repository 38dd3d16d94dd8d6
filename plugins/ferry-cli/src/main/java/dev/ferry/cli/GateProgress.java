package dev.ferry.cli;

import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.gate.GateRunner;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shows the gates of a verification on stderr: on a terminal one live line per gate, redrawn in
 * place with ANSI cursor moves as answers come; otherwise (CI logs, pipes) a plain line each time a
 * gate's answer changes. Other events go to the next listener unchanged.
 *
 * <pre>{@code
 * FerryListener listener = GateProgress.of(console);
 * new GateRunner(timeout, interval, budget, clock, Sleeper.SYSTEM, listener).run(gates, context);
 * }</pre>
 */
public final class GateProgress implements FerryListener {

  private static final String UP = "\u001b[%dA";
  private static final String CLEAR_LINE = "\r\u001b[2K";

  private final PrintWriter err;
  private final boolean live;
  private final int width;
  private final FerryListener others;
  private final Map<String, String> lines = new LinkedHashMap<>();
  private int drawn;

  GateProgress(PrintWriter err, boolean live, int width, FerryListener others) {
    this.err = err;
    this.live = live;
    this.width = Math.max(20, width);
    this.others = others == null ? FerryListener.NONE : others;
  }

  /** Live lines when stderr is a terminal and the output is not JSON, plain lines otherwise. */
  public static GateProgress of(Console console) {
    boolean live = System.console() != null && !console.json();
    int width = 120;
    try {
      width = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "120"));
    } catch (NumberFormatException ignored) {
      // keep the default
    }
    return new GateProgress(console.err(), live, width, console);
  }

  @Override
  public synchronized void on(FerryEvent event) {
    if (event.level() != FerryEvent.Level.PROGRESS || !event.topic().startsWith(GateRunner.TOPIC)) {
      drawn = 0; // whatever is printed now goes below the block; the next update draws a new one
      others.on(event);
      return;
    }
    String gate = event.topic().substring(GateRunner.TOPIC.length());
    // a gate's reason quotes its server: inert before it reaches a terminal or a CI log
    String line = Inert.line(format(gate, event.message()));
    String previous = lines.put(gate, line);
    if (live) {
      redraw();
    } else if (!line.equals(previous)) {
      err.println(line);
      err.flush();
    }
  }

  private void redraw() {
    StringBuilder out = new StringBuilder();
    if (drawn > 0) {
      out.append(String.format(UP, drawn));
    }
    for (String line : lines.values()) {
      // a line wider than the terminal wraps and breaks the cursor arithmetic: cut it
      String shown = line.length() >= width ? line.substring(0, width - 4) + "..." : line;
      out.append(CLEAR_LINE).append(shown).append('\n');
    }
    drawn = lines.size();
    err.print(out);
    err.flush();
  }

  /** {@code "RUNNING  argocd shop-dev: shop-dev is Progressing"} from the runner's {@code STATUS reason}. */
  static String format(String gate, String message) {
    int space = message.indexOf(' ');
    String status = space < 0 ? message : message.substring(0, space);
    String reason = space < 0 ? "" : message.substring(space + 1);
    return String.format("%-8s %s%s", status, gate, reason.isEmpty() ? "" : ": " + reason);
  }
}
