package dev.ferry.cli;

import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
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
    description = "Carries container images across environments through git.",
    subcommands = {
        CommandLine.HelpCommand.class,
        DemoCommand.class,
        PlanCommand.class,
        PromoteCommand.class,
        VerifyCommand.class,
        RollbackCommand.class,
        ReleaseCommand.class,
        StatusCommand.class,
        HistoryCommand.class,
        EnvironmentsCommand.class,
        EditCommand.class,
        BuildCommand.class,
        ScanCommand.class,
        TestImageCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = commandLine(out, err);
    return cli.execute(args);
  }

  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(Main::handleException);
    cli.setParameterExceptionHandler(Main::handleParameterException);
    return cli;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    Console console = Console.of(cmd);
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
    console.internalError(e);
    return 1;
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
