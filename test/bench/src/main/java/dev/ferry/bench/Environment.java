package dev.ferry.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the benchmarks run: the repository root, the Ferry jar and its CDS archive.
 *
 * @param root the repository root
 * @param ferryJar {@code plugins/ferry-cli/target/ferry.jar}
 * @param cdsArchive {@code plugins/ferry-cli/target/ferry.jsa}
 */
public record Environment(Path root, Path ferryJar, Path cdsArchive) {

  /** The JVM flags of the launcher {@code ./ferry}, without the archive's ({@link #archiveFlags}). */
  static final List<String> LAUNCHER_FLAGS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmn24m", "-XX:-UsePerfData", "-Xshare:auto");

  static Environment at(Path root) {
    Path target = root.resolve("plugins/ferry-cli/target");
    Environment env = new Environment(root, target.resolve("ferry.jar"), target.resolve("ferry.jsa"));
    env.checkLauncher();
    return env;
  }

  /** The flags with which the launcher maps the AppCDS archive. */
  List<String> archiveFlags() {
    return List.of("-XX:SharedArchiveFile=" + cdsArchive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
        "-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0");
  }

  /**
   * The benchmarks launch java as the launcher does, with its flags spelled out here; this refuses
   * to run them when {@code ./ferry} no longer passes one of those flags, so that they never measure
   * a start-up that users do not get.
   */
  private void checkLauncher() {
    String launcher;
    try {
      launcher = Files.readString(root.resolve("ferry"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String flag : LAUNCHER_FLAGS) {
      if (!launcher.contains(flag)) {
        throw new IllegalStateException("./ferry no longer passes " + flag + "; update Environment.LAUNCHER_FLAGS");
      }
    }
    for (String flag : archiveFlags()) {
      String name = flag.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" : flag;
      if (!launcher.contains(name)) {
        throw new IllegalStateException("./ferry no longer passes " + name + "; update Environment.archiveFlags");
      }
    }
  }
}
