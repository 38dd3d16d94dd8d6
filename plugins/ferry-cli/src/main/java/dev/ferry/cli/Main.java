package dev.ferry.cli;

import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ferry} command. Each subcommand is a thin front end: parse, call the core, map the
 * result. Exit codes: 0 done, 1 refused or failed on its merits, 2 bad input, 3 an outside system
 * failed.
 */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Carries container images across environments through git.")
public final class Main implements Runnable {

  /**
   * Every subcommand by its {@code @Command} name, in the order {@code --help} lists them. They are
   * not in Main's {@code @Command(subcommands = ...)}: picocli builds the model of every listed
   * command (reflection over each annotated field, loading and verifying its classes) before it
   * parses an argument, which was half the time of {@code ferry --version}. {@link #run} adds only
   * the commands that the arguments can reach ({@link #reachable}).
   */
  static final Map<String, Class<?>> SUBCOMMANDS = subcommands(
      // the names are spelled out, not read from each @Command: parsing seventeen annotations
      // would cost what this list saves (CommandTreeTest checks that they match)
      Map.entry("help", CommandLine.HelpCommand.class),
      Map.entry("demo", DemoCommand.class),
      Map.entry("plan", PlanCommand.class),
      Map.entry("promote", PromoteCommand.class),
      Map.entry("verify", VerifyCommand.class),
      Map.entry("rollback", RollbackCommand.class),
      Map.entry("release", ReleaseCommand.class),
      Map.entry("status", StatusCommand.class),
      Map.entry("history", HistoryCommand.class),
      Map.entry("index", IndexCommand.class),
      Map.entry("doctor", DoctorCommand.class),
      Map.entry("serve", ServeCommand.class),
      Map.entry("report", ReportCommand.class),
      Map.entry("metrics", MetricsCommand.class),
      Map.entry("environments", EnvironmentsCommand.class),
      Map.entry("edit", EditCommand.class),
      Map.entry("build", BuildCommand.class),
      Map.entry("scan", ScanCommand.class),
      Map.entry("test-image", TestImageCommand.class));

  /**
   * The option types of picocli's built-in converters that no Ferry option has. Picocli registers
   * a converter for each {@code java.time} and {@code java.sql} type by loading and initialising
   * the class (their parsers and formatters, with the lambdas they spin), on every start and for
   * each command line built; excluding them saves that (CommandTreeTest checks that no option
   * needs one). A setting of the property by the user wins.
   */
  static final String UNUSED_CONVERTERS = "java\\.time\\..*,java\\.sql\\..*";
  static final String CONVERTERS_EXCLUDES = "picocli.converters.excludes";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(out, err, reachable(args));
    return cli.execute(args);
  }

  /** The command line with the given subcommands (values of {@link #SUBCOMMANDS}). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, Collection<Class<?>> subcommands) {
    if (System.getProperty(CONVERTERS_EXCLUDES) == null) {
      System.setProperty(CONVERTERS_EXCLUDES, UNUSED_CONVERTERS);
    }
    CommandLine cli = new CommandLine(new Main());
    for (Class<?> subcommand : subcommands) {
      cli.addSubcommand(subcommand);
    }
    // after addSubcommand: picocli hands these settings down only to the subcommands present
    // @file expansion off: an argument such as '--message @a.txt' must stay the text it is, never
    // become options read from a file ('--approved-by alice') or a file's secret in an error
    cli.setExpandAtFiles(false);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::handleException);
    cli.setParameterExceptionHandler(Main::handleParameterException);
    return cli;
  }

  /**
   * The subcommands that parsing {@code args} can reach: the one named by the first argument that is
   * not an option, none for {@code --version} alone, and all of them whenever the answer depends on
   * the whole tree ({@code --help} and {@code help} list every command, an unknown name or option is
   * reported against the root, an {@code @argument-file} may name any command).
   */
  static Collection<Class<?>> reachable(String[] args) {
    for (String arg : args) {
      if (arg.equals("--version") || arg.equals("-V")) {
        continue;
      }
      if (arg.startsWith("-") || arg.startsWith("@")) {
        return SUBCOMMANDS.values();
      }
      Class<?> named = SUBCOMMANDS.get(arg);
      return named == null || named == CommandLine.HelpCommand.class ? SUBCOMMANDS.values() : List.of(named);
    }
    return List.of();
  }

  @SafeVarargs
  private static Map<String, Class<?>> subcommands(Map.Entry<String, Class<?>>... commands) {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    for (Map.Entry<String, Class<?>> command : commands) {
      byName.put(command.getKey(), command.getValue());
    }
    return Collections.unmodifiableMap(byName);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    // --json may sit after the argument picocli stopped at, so its field was never set: ask the arguments
    Console console = Console.of(cmd, java.util.Arrays.asList(args).contains("--json"));
    console.error(new dev.ferry.core.InputException(e.getMessage()), false);
    if (!console.json()) {
      cmd.getErr().println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
    return 2;
  }

  private static int handleException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Console console = Console.of(cmd);
    if (e instanceof FerryException fe) {
      console.error(fe, console.debug());
      return fe.exitCode();
    }
    // never 1: a CI job reads 1 as "refused on its merits" (blocking vulnerabilities, a failed gate)
    console.internalError(e);
    return 3;
  }

  /** Prints {@code ferry <version>}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ferry " + version()};
    }
  }

  static String version() {
    Properties p = new Properties();
    try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // fall through to "unknown"
    }
    return p.getProperty("version", "unknown");
  }
}
