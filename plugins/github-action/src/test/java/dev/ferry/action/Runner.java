package dev.ferry.action;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs ferry-action.js the way the runner runs the action's step: node, the step's env: block as
 * environment variables, and the GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_ENV files.
 */
final class Runner {

  static final Path ACTION_DIR = Path.of("").toAbsolutePath();

  final Path dir;
  final Path output;
  final Path summary;
  final Path githubEnv;
  final Map<String, String> env = new HashMap<>();

  Runner(Path dir) throws IOException {
    this.dir = dir;
    this.output = Files.createFile(dir.resolve("github_output"));
    this.summary = Files.createFile(dir.resolve("step_summary.md"));
    this.githubEnv = Files.createFile(dir.resolve("github_env"));
    env.put("GITHUB_OUTPUT", output.toString());
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    env.put("GITHUB_ENV", githubEnv.toString());
    env.put("GITHUB_ACTION_PATH", ACTION_DIR.toString());
    env.put("GITHUB_WORKSPACE", dir.toString());
    env.put("GITHUB_SERVER_URL", "https://github.com");
    env.put("GITHUB_REPOSITORY", "shop/web");
    env.put("GITHUB_RUN_ID", "4242");
    env.put("RUNNER_TOOL_CACHE", dir.resolve("toolcache").toString());
    env.put("HOME", dir.toString());
  }

  Runner input(String name, String value) {
    env.put("FERRY_INPUT_" + name.toUpperCase().replace('-', '_'), value);
    return this;
  }

  record Result(int exitCode, String stdout, String stderr) {
  }

  Result run(String subcommand) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of("node", ACTION_DIR.resolve("ferry-action.js").toString(), subcommand))
        .directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("FERRY_") || k.startsWith("GITHUB_"));
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    if (!p.waitFor(180, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("ferry-action.js did not finish within 180s");
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** GITHUB_OUTPUT as the runner reads it: name=value lines and name<<DELIMITER blocks. */
  Map<String, String> outputs() throws IOException {
    Map<String, String> outputs = new LinkedHashMap<>();
    List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int heredoc = line.indexOf("<<");
      int eq = line.indexOf('=');
      if (heredoc > 0 && (eq < 0 || heredoc < eq)) {
        String name = line.substring(0, heredoc);
        String delimiter = line.substring(heredoc + 2);
        List<String> value = new java.util.ArrayList<>();
        for (i++; !lines.get(i).equals(delimiter); i++) {
          value.add(lines.get(i));
        }
        outputs.put(name, String.join("\n", value));
      } else if (eq > 0) {
        outputs.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return outputs;
  }

  String summary() throws IOException {
    return Files.readString(summary);
  }
}
