package dev.ferry.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code ferry.jar} as a user's CI job would: a process, arguments as a list. */
final class FerryProcess {

  static final ObjectMapper JSON = new ObjectMapper();

  private final Path workDir;
  private final Map<String, String> env = new HashMap<>();

  FerryProcess(Path workDir) {
    this.workDir = workDir;
    env.put("FERRY_CACHE", workDir.resolve(".ferry-cache").toString());
  }

  FerryProcess env(String name, String value) {
    env.put(name, value);
    return this;
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("ferry.jar", "../../plugins/ferry-cli/target/ferry.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("ferry.jar not built at " + jar.toAbsolutePath() + ": run the reactor build");
    }
    return jar;
  }

  Result run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(ChildJvm.QUIET);
    cmd.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().putAll(env);
    Path out = Files.createTempFile(workDir, "out", ".txt");
    Path err = Files.createTempFile(workDir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("ferry " + String.join(" ", args) + " did not finish in 180 s");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Starts {@code ferry args...} that runs until stopped (ferry serve); its output goes to {@code log}. */
  Process start(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("java", "-XX:TieredStopAtLevel=1"));
    cmd.addAll(ChildJvm.QUIET);
    cmd.addAll(List.of("-jar", jar().toAbsolutePath().toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  record Result(int exit, String stdout, String stderr) {
    JsonNode json() throws IOException {
      return JSON.readTree(stdout);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
  }
}
