package dev.ferry.testing;

import java.util.List;

/**
 * JVM options for the Java processes tests and benchmarks start whose stdout they read (a JSON
 * document, an "OK" line): no hsperfdata file, and the JVM's own warnings on stderr. A pid reused
 * from another pid namespace that shares {@code /tmp} otherwise makes the JVM print "Cannot use
 * file /tmp/hsperfdata_root/N because it is locked by another process" on stdout. The launchers
 * users run ({@code ./ferry}, {@code ferry-run.sh}, the action) pass the same options.
 *
 * <pre>{@code
 * List<String> cmd = new ArrayList<>(List.of("java"));
 * cmd.addAll(ChildJvm.QUIET);
 * }</pre>
 */
public final class ChildJvm {

  public static final List<String> QUIET = List.of("-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=warning:stderr");

  private ChildJvm() {
  }
}
