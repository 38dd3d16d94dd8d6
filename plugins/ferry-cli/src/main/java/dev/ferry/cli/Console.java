package dev.ferry.cli;

import dev.ferry.core.SecretMask;
import dev.ferry.core.config.ConfiguredSecrets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryException;
import dev.ferry.core.FerryListener;
import dev.ferry.core.JsonOut;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;

/**
 * Where a command writes: the JSON document or human result on stdout, progress and errors on
 * stderr. With {@code --json}, stdout carries exactly one JSON document, also for errors.
 */
public final class Console implements FerryListener {

  /**
   * The mapper, made on first use: loading and initialising Jackson databind costs a JVM start-up
   * more than the JVM itself. Most results are written without it ({@link JsonOut}).
   */
  static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .findAndRegisterModules()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean json;
  private final boolean debug;
  private java.util.function.Supplier<java.util.List<String>> notificationProblems = java.util.List::of;

  /**
   * The secrets to hide in everything printed: the environment's, then the loaded config's. Kept
   * for the process, not the instance: the error handler prints through a console of its own.
   */
  private static volatile SecretMask mask = ConfiguredSecrets.mask(System.getenv());

  Console(PrintWriter out, PrintWriter err, boolean json, boolean debug) {
    this.out = new MaskedWriter(out, () -> mask);
    this.err = new MaskedWriter(err, () -> mask);
    this.json = json;
    this.debug = debug;
  }

  static Console of(CommandLine cmd) {
    return of(cmd, false);
  }

  /** As {@link #of(CommandLine)}, with JSON also when {@code json} is true. */
  static Console of(CommandLine cmd, boolean json) {
    CommonOptions options = null;
    for (Object mixin : cmd.getMixins().values()) {
      if (mixin instanceof CommonOptions c) {
        options = c;
      }
    }
    json |= options != null && options.json;
    boolean debug = options != null && options.debug;
    return new Console(cmd.getOut(), cmd.getErr(), json, debug);
  }

  /** Hides {@code secrets} too in everything printed from now on. */
  public void mask(SecretMask secrets) {
    mask = secrets;
  }

  public boolean json() {
    return json;
  }

  public boolean debug() {
    return debug;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /**
   * Where the notifications of this command report what they could not deliver: the JSON result
   * carries it as {@code notificationProblems} (stderr has it as warnings already).
   */
  void notificationProblems(java.util.function.Supplier<java.util.List<String>> problems) {
    this.notificationProblems = problems;
  }

  /** Prints the result: {@code value} as JSON with --json, else {@code human} on stdout. */
  public void result(Object value, String human) {
    if (json) {
      java.util.List<String> problems = notificationProblems.get();
      if (!problems.isEmpty() && Json.MAPPER.valueToTree(value) instanceof ObjectNode tree) {
        tree.putPOJO("notificationProblems", problems);
        value = tree;
      }
      out.println(toJson(value));
    } else if (human != null && !human.isEmpty()) {
      out.println(Inert.lines(human.endsWith("\n") ? human.substring(0, human.length() - 1) : human));
    }
    out.flush();
  }

  static String toJson(Object value) {
    Optional<String> simple = JsonOut.write(value);
    if (simple.isPresent()) {
      return simple.get();
    }
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON result", e);
    }
  }

  /**
   * A line of progress for a person, on stderr. Every line Ferry writes there goes through here
   * (or {@link #error}), made {@link Inert}: much of it quotes outside systems.
   */
  public void say(String line) {
    err.println(Inert.line(line));
    err.flush();
  }

  @Override
  public void on(FerryEvent event) {
    if (event.level() == FerryEvent.Level.DEBUG && !debug) {
      return;
    }
    String prefix = event.level() == FerryEvent.Level.WARN ? "warning: " : "";
    say(prefix + event.message());
  }

  void error(FerryException e, boolean withStack) {
    say("ferry: error: " + e.describe());
    e.suggestion().ifPresent(s -> say("  " + s));
    if (withStack) {
      e.printStackTrace(err);
    }
    err.flush();
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("message", e.getMessage());
      error.put("exitCode", e.exitCode());
      e.location().ifPresent(l -> {
        error.put("file", l.file());
        if (l.line() > 0) {
          error.put("line", l.line());
        }
        if (l.column() > 0) {
          error.put("column", l.column());
        }
      });
      e.suggestion().ifPresent(s -> error.put("suggestion", s));
      out.println(toJson(Map.of("error", error)));
      out.flush();
    }
  }

  void internalError(Exception e) {
    say("ferry: internal error: " + e);
    if (debug) {
      e.printStackTrace(err);
    } else {
      err.println("  Run again with --debug for the stack trace, and report it.");
    }
    err.flush();
    if (json) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("message", "internal error: " + e);
      error.put("exitCode", 3);
      out.println(toJson(Map.of("error", error)));
      out.flush();
    }
  }

}
