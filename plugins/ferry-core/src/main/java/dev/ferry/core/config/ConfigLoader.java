package dev.ferry.core.config;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.CollectionEndEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Reads {@code ferry.yaml}: parses it to positioned nodes, validates the whole file (collecting
 * every problem), then builds the records with defaults.
 *
 * <pre>{@code
 * FerryConfig config = ConfigLoader.load(Path.of("ferry.yaml"));
 * // or, for text held in memory, with relative paths resolved against dir:
 * FerryConfig config = ConfigLoader.parse("ferry.yaml", text, dir);
 * }</pre>
 *
 * <p>When something is wrong, one {@link InputException} reports all of it: its location is the
 * first problem's, its message the first problem followed by one line per further problem, each
 * {@code ferry.yaml:LINE:COL: message}, so that {@code describe()} prints every line located.
 */
public final class ConfigLoader {

  /** Deeper than any ferry.yaml needs, far below the depth that exhausts a thread's stack. */
  static final int MAX_DEPTH = 64;

  /** The problems an error message lists; {@link #problems} returns every one. */
  static final int MAX_SHOWN = 100;

  private ConfigLoader() {
  }

  /** @throws InputException when the file cannot be read or holds any problem */
  public static FerryConfig load(Path file) {
    return parse(file.toString(), read(file), file.toAbsolutePath().getParent());
  }

  /** @throws InputException listing every problem */
  public static FerryConfig parse(String fileName, String text, Path baseDir) {
    Node root = compose(fileName, text);
    List<ConfigProblem> problems = new Validator(fileName).validate(root);
    if (!problems.isEmpty()) {
      throw failure(problems);
    }
    return new ConfigBuilder(Path.of(fileName), baseDir).build(root);
  }

  /** Every problem in the text, in file order of discovery; empty when it is valid. */
  public static List<ConfigProblem> problems(String fileName, String text) {
    try {
      return new Validator(fileName).validate(compose(fileName, text));
    } catch (InputException e) {
      return List.of(new ConfigProblem(e.location().orElse(SourceLocation.of(fileName, 0, 0)), e.getMessage()));
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InputException(file + " does not exist", SourceLocation.of(file, 0, 0),
          "pass the configuration with -c PATH", e);
    } catch (IOException e) {
      throw new InputException("cannot read " + file + ": " + e.getMessage(), SourceLocation.of(file, 0, 0),
          null, e);
    }
  }

  private static Node compose(String fileName, String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    Optional<Node> root;
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(fileName).build();
      Parser events = new DepthLimitedParser(fileName, new ParserImpl(settings, new StreamReader(settings, body)));
      root = new Composer(settings, events).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      SourceLocation at = location(fileName, e.getProblemMark());
      String context = e.getContext() == null ? "" : e.getContext() + ": ";
      throw new InputException("not valid YAML: " + context + e.getProblem(), at, null, e);
    } catch (YamlEngineException e) {
      throw new InputException("not valid YAML: " + e.getMessage(), SourceLocation.of(fileName, 0, 0), null, e);
    }
    return root.orElseThrow(() -> new InputException(fileName + " is empty", SourceLocation.of(fileName, 0, 0),
        "start it with apiVersion: " + Validator.API_VERSION, null));
  }

  /**
   * SnakeYAML's parser keeps its nesting on a heap stack, but its composer (and the validator after
   * it) recurse once per level: thousands of {@code [} or nested mappings end in a
   * StackOverflowError. The composer reads its events through this parser, which refuses the
   * {@value #MAX_DEPTH}th nested collection with the file's name and place before the composer
   * recurses into it, so the text is parsed once (a separate pass first parsed it twice).
   */
  private static final class DepthLimitedParser implements Parser {
    private final String fileName;
    private final Parser parser;
    private int depth;

    DepthLimitedParser(String fileName, Parser parser) {
      this.fileName = fileName;
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event event = parser.next();
      if (event instanceof CollectionStartEvent) {
        if (++depth > MAX_DEPTH) {
          SourceLocation at = location(fileName, event.getStartMark());
          throw new InputException("nested deeper than " + MAX_DEPTH + " levels of mappings and lists", at,
              "a ferry.yaml needs fewer than ten levels; check " + fileName + " for runaway brackets", null);
        }
      } else if (event instanceof CollectionEndEvent) {
        depth--;
      }
      return event;
    }
  }

  /** Where SnakeYAML's (0-based) mark points, 1-based; the file's start when it has none. */
  private static SourceLocation location(String fileName, Optional<Mark> mark) {
    return mark.map(m -> SourceLocation.of(fileName, m.getLine() + 1, m.getColumn() + 1))
        .orElse(SourceLocation.of(fileName, 0, 0));
  }

  private static InputException failure(List<ConfigProblem> problems) {
    ConfigProblem first = problems.get(0);
    // a file can hold tens of thousands of problems; a person reads the first ones, the count says the rest
    String rest = problems.stream().skip(1).limit(MAX_SHOWN - 1).map(ConfigProblem::toString)
        .collect(Collectors.joining("\n"));
    if (problems.size() > MAX_SHOWN) {
      rest += "\n(" + (problems.size() - MAX_SHOWN) + " more problems not shown)";
    }
    String message = rest.isEmpty() ? first.message() : first.message() + "\n" + rest;
    return new InputException(message, first.location(),
        problems.size() > 1 ? problems.size() + " problems in " + first.location().file() : null, null);
  }
}
