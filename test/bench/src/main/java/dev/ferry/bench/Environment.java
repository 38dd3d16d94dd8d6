package dev.ferry.bench;

import java.nio.file.Path;

/**
 * Where the benchmarks run: the repository root, the Ferry jar and its CDS archive.
 *
 * @param root the repository root
 * @param ferryJar {@code plugins/ferry-cli/target/ferry.jar}
 * @param cdsArchive {@code plugins/ferry-cli/target/ferry.jsa}
 */
public record Environment(Path root, Path ferryJar, Path cdsArchive) {

  static Environment at(Path root) {
    Path target = root.resolve("plugins/ferry-cli/target");
    return new Environment(root, target.resolve("ferry.jar"), target.resolve("ferry.jsa"));
  }
}
