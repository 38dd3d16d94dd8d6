package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.Names;
import dev.ferry.testing.GitDaemon.Git;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JSON each command prints, as samples in docs/json/ that the Jenkins steps' and the GitHub
 * action's tests read instead of JSON written by hand: a change of shape in the CLI fails them.
 * This test runs the real commands against a local repository, writes each document (commit ids,
 * times, ports, paths and poll counts made stable) and fails when a committed sample differed: commit the new one.
 */
class JsonSamplesTest {

  static final Path SAMPLES = Path.of("../../docs/json").toAbsolutePath().normalize();
  static final String WEB = "registry.example.com/shop/web";
  static final String D1 = "sha256:" + "1".repeat(64);
  static final String D2 = "sha256:" + "2".repeat(64);

  @TempDir static Path dir;
  static HttpServer health;
  static final AtomicBoolean healthy = new AtomicBoolean(true);
  static final Map<String, Integer> exitCodes = new LinkedHashMap<>();
  static final List<String> outdated = new ArrayList<>();

  @BeforeAll
  static void seed() throws Exception {
    health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    health.createContext("/healthz", exchange -> {
      byte[] body = (healthy.get() ? "{\"status\": \"UP\"}" : "{\"status\": \"DOWN\"}").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    health.start();
    Path seed = Files.createDirectories(dir.resolve("seed"));
    Git.run(seed, "init", "-q", "-b", "main");
    for (String env : new String[] {"dev", "staging", "prod"}) {
      Path values = seed.resolve("envs/" + env + "/values.yaml");
      Files.createDirectories(values.getParent());
      Files.writeString(values, "image:\n  repository: " + WEB + "\n  tag: \"1.0.0\"\n");
    }
    Git.run(seed, "add", "-A");
    Git.run(seed, "commit", "-q", "-m", "seed");
    Git.run(dir, "clone", "-q", "--bare", seed.toString(), dir.resolve("env.git").toString());
    Files.writeString(dir.resolve("ferry.yaml"), """
        apiVersion: ferry/v1
        repos:
          env: {url: env.git, branch: main}
        services:
          web: {image: %s}
        environments:
          dev:
            repo: env
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
            gates:
              - http: {url: "http://127.0.0.1:%d/healthz", jsonPath: $.status, equals: UP, successes: 1}
            rollback: auto
          staging:
            repo: env
            after: dev
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
          prod:
            repo: env
            after: staging
            targets: {"*": {helm: "envs/{env}/values.yaml"}}
            approval: required
            approvers: [alice, bob]
        """.formatted(WEB, health.getAddress().getPort()));
  }

  @AfterAll
  static void stop() throws Exception {
    health.stop(0);
  }

  static void sample(String name, String... args) throws Exception {
    StringWriter out = new StringWriter();
    // --json right after the command, as the front ends put it: after '--' it would be an argument
    String[] argv = new String[args.length + 1];
    argv[0] = args[0];
    argv[1] = "--json";
    System.arraycopy(args, 1, argv, 2, args.length - 1);
    int exit = Main.run(argv, new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
    exitCodes.put(name, exit);
    write(name + ".json", stable(out.toString()));
  }

  /** A Trivy JSON report (its documented shape, SchemaVersion 2) with one finding of libssl3. */
  static Path trivyReport(String name, String severity, String fixedVersion) throws Exception {
    String fixed = fixedVersion == null ? "" : "\"FixedVersion\": \"" + fixedVersion + "\", \"Status\": \"fixed\",";
    return Files.writeString(dir.resolve(name), """
        {"SchemaVersion": 2, "ArtifactName": "%s:1.2.0", "ArtifactType": "container_image",
         "Results": [{"Target": "%s:1.2.0 (debian 12.5)", "Class": "os-pkgs", "Type": "debian",
           "Vulnerabilities": [{"VulnerabilityID": "CVE-2024-5535", "PkgName": "libssl3",
             "InstalledVersion": "3.0.11-1~deb12u2", %s "Severity": "%s",
             "Title": "openssl: SSL_select_next_proto buffer overread"}]}]}
        """.formatted(WEB, WEB, fixed, severity));
  }

  /** Commit ids numbered in order of appearance, times and the temporary folder fixed. */
  static String stable(String json) {
    Map<String, String> commits = new LinkedHashMap<>();
    Matcher m = Pattern.compile("\\b[0-9a-f]{40}\\b").matcher(json);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String id = commits.computeIfAbsent(m.group(), c -> String.format("%040x", commits.size() + 1));
      m.appendReplacement(out, id);
    }
    m.appendTail(out);
    return out.toString()
        .replace(dir.toString(), "/work/project")
        .replaceAll("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z", "2026-12-01T10:00:00Z")
        .replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:8080")
        // how often a gate was asked before its deadline depends on the machine's speed
        .replaceAll("\"checks\" : \\d+", "\"checks\" : 2");
  }

  static void write(String file, String text) throws Exception {
    Path path = SAMPLES.resolve(file);
    String committed = Files.exists(path) ? Files.readString(path) : null;
    if (!text.equals(committed)) {
      Files.createDirectories(SAMPLES);
      Files.writeString(path, text);
      outdated.add(file);
    }
  }

  @Test
  void everyCommandsJsonIsASampleInDocsJson() throws Exception {
    String c = dir.resolve("ferry.yaml").toString();
    sample("promote", "promote", "-c", c, "--to", "dev", "--", "web=" + WEB + ":1.1.0@" + D1);
    sample("verify-passed", "verify", "-c", c, "--env", "dev");
    sample("plan-refused", "plan", "-c", c, "--to", "staging", "--", "web=" + WEB + ":1.2.0@" + D2);
    healthy.set(false);
    sample("promote-verify-failed", "promote", "-c", c, "--to", "dev", "--verify", "--timeout", "1s",
        "--", "web=" + WEB + ":1.2.0@" + D2);
    sample("release", "release", "-c", c, "--env", "dev", "--", "web", WEB + ":1.2.0@" + D2);
    healthy.set(true);
    sample("promote-verify-passed", "promote", "-c", c, "--to", "dev", "--verify", "--", "web=" + WEB + ":1.2.0@" + D2);
    sample("rollback", "rollback", "-c", c, "--env", "dev", "--reason", "error rate 30%", "--", "web");
    healthy.set(false);
    sample("verify-failed", "verify", "-c", c, "--env", "dev", "--timeout", "1s");
    sample("status", "status", "-c", c);
    sample("error-input", "promote", "-c", c, "--to", "qa", "--", "web=" + WEB + ":1.0");
    sample("environments", "environments", "-c", c);
    sample("scan-blocked", "scan", "--report", trivyReport("scan-blocked.json", "CRITICAL", "3.0.13-1~deb12u1").toString());
    sample("scan-passed", "scan", "--report", trivyReport("scan-passed.json", "MEDIUM", null).toString());

    Map<String, Object> contract = new LinkedHashMap<>();
    contract.put("serviceName", Names.GRAMMAR);
    contract.put("approvalSources", EnvironmentConfig.APPROVAL_SOURCES);
    contract.put("exitCodes", exitCodes);
    write("contract.json", new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(contract) + "\n");

    assertThat(exitCodes).containsEntry("promote", 0).containsEntry("verify-passed", 0).containsEntry("plan-refused", 1)
        .containsEntry("promote-verify-failed", 1).containsEntry("release", 0).containsEntry("rollback", 0)
        .containsEntry("verify-failed", 1).containsEntry("error-input", 2).containsEntry("environments", 0)
        .containsEntry("scan-blocked", 1).containsEntry("scan-passed", 0);
    assertThat(outdated).as("docs/json/ samples that differed from what the CLI prints (now rewritten: commit them)")
        .isEmpty();
  }
}
