package dev.ferry.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class CommonOptions {

  @Option(names = "--json", description = "Print one JSON document on stdout, nothing else there.")
  boolean json;

  @Option(names = "--debug", description = "Show stack traces and debug events.")
  boolean debug;
}
