package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * {@link Main#run} builds only the subcommands that the arguments reach; what a user sees must be
 * exactly what the whole command tree prints.
 */
class CommandTreeTest {

  @TempDir
  static Path dir;

  record Run(int exit, String out, String err) {
  }

  static Run run(String[] args, Collection<Class<?>> subcommands) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), subcommands).execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /**
   * Argument lists that reach fewer commands than the whole tree; those that reach all of it
   * ({@code --help}, {@code help}, an unknown name or option) would compare a run with itself, and
   * {@link #helpUnknownNamesOptionsAndArgumentFilesBuildTheWholeTree} covers them.
   */
  static Stream<Arguments> argumentLists() throws Exception {
    Path values = dir.resolve("values.yaml");
    Files.writeString(values, "image:\n  repository: web\n  tag: \"1.0\"\n");
    Path config = dir.resolve("ferry.yaml");
    Files.writeString(config, """
        apiVersion: ferry/v1
        repos:
          env: {url: env.git}
        services:
          web: {image: registry.example.com/web}
        environments:
          dev: {repo: env, targets: {"*": {helm: "envs/{env}/values.yaml"}}}
        """);
    return Stream.of(
        List.of("--version"),
        List.of("-V"),
        List.of(),
        List.of("edit"),
        List.of("edit", "--help"),
        List.of("edit", "helm-image"),
        List.of("edit", "helm-image", values.toString(), "web:1.0", "--json"),
        List.of("environments", "-c", config.toString(), "--json"),
        List.of("environments", "-c", dir.resolve("missing.yaml").toString(), "--json"),
        List.of("plan", "--help"),
        List.of("promote", "web"),
        List.of("status", "--bogus", "--json")).map(a -> Arguments.of(a));
  }

  @ParameterizedTest
  @MethodSource("argumentLists")
  void printsWhatTheWholeTreePrints(List<String> args) {
    String[] argv = args.toArray(String[]::new);
    Run whole = run(argv, Main.SUBCOMMANDS.values());
    Collection<Class<?>> fewer = Main.reachable(argv);
    Run reachable = run(argv, fewer);

    assertThat(fewer).as("a row that builds the whole tree compares a run with itself").hasSizeLessThan(Main.SUBCOMMANDS.size());
    assertThat(reachable).isEqualTo(whole);
  }

  @Test
  void anEditRunsTheSameWithOnlyItsCommand() throws Exception {
    Path a = dir.resolve("a.yaml");
    Path b = dir.resolve("b.yaml");
    Files.writeString(a, "image:\n  repository: web\n  tag: \"1.0\"\n");
    Files.copy(a, b);

    String[] argsA = {"edit", "helm-image", a.toString(), "web:2.0", "--json"};
    String[] argsB = {"edit", "helm-image", b.toString(), "web:2.0", "--json"};
    Run whole = run(argsA, Main.SUBCOMMANDS.values());
    Run reachable = run(argsB, Main.reachable(argsB));

    assertThat(reachable.exit()).isEqualTo(whole.exit()).isZero();
    assertThat(reachable.out()).isEqualTo(whole.out().replace(a.toString(), b.toString()));
    assertThat(Files.readString(b)).isEqualTo(Files.readString(a)).contains("tag: \"2.0\"");
  }

  @Test
  void versionBuildsNoSubcommand() {
    assertThat(Main.reachable(new String[] {"--version"})).isEmpty();
    assertThat(Main.reachable(new String[] {"-V"})).isEmpty();
  }

  @Test
  void aNamedCommandBuildsOnlyThatCommand() {
    assertThat(Main.reachable(new String[] {"edit", "helm-image", "values.yaml", "web:1"}))
        .containsExactly(EditCommand.class);
    assertThat(Main.reachable(new String[] {"--version", "plan"})).containsExactly(PlanCommand.class);
  }

  @Test
  void helpUnknownNamesOptionsAndArgumentFilesBuildTheWholeTree() {
    for (String[] args : List.of(new String[] {"--help"}, new String[] {"-hV"}, new String[] {"help", "plan"},
        new String[] {"pln"}, new String[] {"@args.txt"}, new String[] {"--", "plan"})) {
      assertThat(Main.reachable(args)).as(String.join(" ", args)).containsExactlyElementsOf(Main.SUBCOMMANDS.values());
    }
  }

  @Test
  void everyCommandIsListedUnderItsOwnName() {
    assertThat(Main.SUBCOMMANDS).hasSize(19).containsEntry("help", CommandLine.HelpCommand.class);
    Main.SUBCOMMANDS.forEach((name, type) ->
        assertThat(type.getAnnotation(CommandLine.Command.class).name()).isEqualTo(name));
    Run help = run(new String[] {"--help"}, Main.reachable(new String[] {"--help"}));
    assertThat(help.out()).contains(Main.SUBCOMMANDS.keySet());
  }

  @Test
  void noOptionNeedsAConverterThatPicocliIsToldToSkip() {
    CommandLine tree = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        Main.SUBCOMMANDS.values());
    List<String> excluded = List.of(Main.UNUSED_CONVERTERS.split(","));
    List<String> types = new java.util.ArrayList<>();
    Stream.concat(Stream.of(tree), tree.getSubcommands().values().stream().flatMap(CommandTreeTest::withSubcommands))
        .flatMap(c -> c.getCommandSpec().args().stream())
        .flatMap(arg -> Stream.concat(Stream.of(arg.type()), Stream.of(arg.auxiliaryTypes())))
        .map(Class::getName)
        .forEach(types::add);

    assertThat(types).contains("java.lang.String", "java.nio.file.Path", "boolean");
    assertThat(types).noneMatch(t -> excluded.stream().anyMatch(t::matches));
    assertThat("java.time.Duration").matches(excluded.get(0)); // the exclusions are in force, not misspelt
    assertThat(System.getProperty(Main.CONVERTERS_EXCLUDES)).isEqualTo(Main.UNUSED_CONVERTERS);
  }

  private static Stream<CommandLine> withSubcommands(CommandLine c) {
    return Stream.concat(Stream.of(c), c.getSubcommands().values().stream().flatMap(CommandTreeTest::withSubcommands));
  }
}
