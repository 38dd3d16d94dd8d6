package dev.ferry.action;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ferry-action.js run as the runner runs it, with a stand-in for java (FERRY_JAVA) that records
 * the argument list and prints a ferry JSON document: inputs to arguments, outputs, job summary
 * and annotations. FerryActionAgainstGitDaemonTest runs the same script with the real ferry.jar.
 */
class FerryActionScriptTest {

  @TempDir
  Path dir;
  Runner runner;
  Path argsFile;
  Path answer;

  @BeforeEach
  void aRunnerWithAStandInForJava() throws Exception {
    runner = new Runner(dir);
    argsFile = dir.resolve("java-args.bin");
    answer = dir.resolve("answer.json");
    Path java = dir.resolve("fake-java");
    // the read-only 'ferry metrics' after a promotion answers from its own file, so that the
    // promotion's arguments and answer stay what the test looks at
    Files.writeString(java, "#!/usr/bin/env bash\nfor a in \"$@\"; do [ \"$a\" = metrics ] && { printf '%s\\0' \"$@\" > '"
        + argsFile + ".metrics'; cat '" + answer + ".metrics' 2>/dev/null; exit 0; }; done\n"
        + "printf '%s\\0' \"$@\" > '" + argsFile + "'\ncat '" + answer
        + "'\nexit \"$(cat '" + answer + ".exit')\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
    runner.env.put("FERRY_JAVA", java.toString());
    runner.env.put("FERRY_JAR", dir.resolve("ferry.jar").toString());
  }

  /** A JSON document the real CLI printed, from docs/json/ (JsonSamplesTest in ferry-cli writes them). */
  static Map<String, Object> sample(String name) throws Exception {
    return new ObjectMapper().readValue(Runner.ACTION_DIR.resolve("../../docs/json/" + name + ".json").toFile(),
        new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
  }

  /** The exit code the CLI gave with that sample. */
  static int sampleExit(String name) throws Exception {
    return new ObjectMapper().readTree(Runner.ACTION_DIR.resolve("../../docs/json/contract.json").toFile())
        .get("exitCodes").get(name).asInt();
  }

  void ferryAnswersSample(String name) throws Exception {
    ferryAnswers(sampleExit(name), sample(name));
  }

  void ferryAnswers(int exit, Object json) throws Exception {
    Files.writeString(answer, new ObjectMapper().writeValueAsString(json));
    Files.writeString(dir.resolve("answer.json.exit"), String.valueOf(exit));
  }

  List<String> ferryArgs() throws Exception {
    List<String> words = Arrays.asList(Files.readString(argsFile, StandardCharsets.UTF_8).split("\0"));
    return words.subList(words.indexOf("-jar") + 2, words.size());
  }

  @Test
  void promoteWritesOutputsAndASummaryOfWhatWentWhere() throws Exception {
    // given
    ferryAnswersSample("promote-verify-passed");
    Map<String, Object> printed = sample("promote-verify-passed");
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2\n")
        .input("to", "staging").input("config", "deploy/ferry.yaml");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsExactly("promote", "--json", "--config=deploy/ferry.yaml", "--to=staging",
        "--source=https://github.com/shop/web/actions/runs/4242", "--", "web=registry.example.com/shop/web:1.4.2");
    Map<String, String> outputs = runner.outputs();
    assertThat(outputs).containsEntry("commit", (String) printed.get("commit"))
        .containsEntry("promotion-id", (String) printed.get("promotionId")).containsEntry("exit-code", "0");
    assertThat(new ObjectMapper().readTree(outputs.get("result")).get("environment").asText()).isEqualTo("dev");
    assertThat(runner.summary()).contains("### Ferry promote: `dev`", "| web | `registry.example.com/shop/web:1.2.0@sha256:",
        "commit `" + printed.get("commit") + "`",
        "| http http://127.0.0.1:8080/healthz | ✅ PASSED | GET http://127.0.0.1:8080/healthz answered as expected 1 times in a row |");
    assertThat(run.stdout()).doesNotContain("::error");
  }

  @Test
  void waitPassesItsDurationAndThePullRequestBecomesALinkAndAnOutput() throws Exception {
    // given
    ferryAnswers(0, Map.of("promotionId", "fp-9", "environment", "prod", "commit", "0123abc", "mode", "pull-request",
        "images", Map.of("web", "registry.example.com/shop/web:1.4.2"),
        "pullRequest", Map.of("number", "12", "url", "https://github.com/acme/env/pull/12"),
        "merged", Map.of("commit", "fedcba9", "mergedBy", "alice", "approvedBy", "alice")));
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
        .input("to", "prod").input("wait", "2h");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsSubsequence("--to=prod", "--wait=2h", "--source=https://github.com/shop/web/actions/runs/4242");
    assertThat(runner.outputs()).containsEntry("pull-request-url", "https://github.com/acme/env/pull/12");
    assertThat(runner.summary()).contains("Pull request: [#12](https://github.com/acme/env/pull/12), merged by `alice`,"
        + " approved by `alice`");
  }

  @Test
  void aPullRequestUrlThatIsNotPlainIsNoLinkAndAWaitThatIsNoDurationIsRefused() throws Exception {
    // given
    ferryAnswers(0, Map.of("environment", "prod", "commit", "c1",
        "pullRequest", Map.of("number", "1", "url", "javascript:alert(1)")));
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
        .input("to", "prod").input("wait", "true");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsSubsequence("--to=prod", "--wait", "--source=https://github.com/shop/web/actions/runs/4242");
    assertThat(runner.outputs()).containsEntry("pull-request-url", "");
    assertThat(runner.summary()).doesNotContain("javascript:");

    runner.input("wait", "2 hours; rm -rf /");
    assertThat(runner.run("run").exitCode()).isEqualTo(2);
  }

  @Test
  void aPromotionRecordsTheBuiltCommitAndSummarisesTheEnvironmentsDeliveryKeys() throws Exception {
    // given
    ferryAnswers(0, Map.of("promotionId", "fp-9", "environment", "staging", "repo", "env", "commit", "0123abc",
        "noop", false, "mode", "direct", "images", Map.of("web", "registry.example.com/shop/web:1.4.2")));
    Files.writeString(dir.resolve("answer.json.metrics"), new ObjectMapper().writeValueAsString(Map.of(
        "windowDays", 30.0, "environments", Map.of("staging", Map.of("deployments", 12, "deploymentsPerDay", 0.4,
            "leadTimeSeconds", Map.of("median", 5400, "p90", 90000, "count", 12), "changeFailureRate", 0.25,
            "timeToRestoreSeconds", Map.of("median", 420, "p90", 600, "count", 3),
            "targets", Map.of("changeFailureRate", Map.of("target", "5%", "value", 0.25, "met", false)))))));
    runner.env.put("GITHUB_SHA", "a".repeat(40));
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2\n").input("to", "staging");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsSubsequence("--source-commit=" + "a".repeat(40), "--", "web=registry.example.com/shop/web:1.4.2");
    List<String> metrics = Arrays.asList(Files.readString(dir.resolve("java-args.bin.metrics")).split("\0"));
    assertThat(metrics.subList(metrics.indexOf("-jar") + 2, metrics.size()))
        .containsExactly("metrics", "--config=ferry.yaml", "--env=staging", "--json");
    assertThat(runner.summary()).contains("#### Delivery in `staging` over 30 days",
        "| 12 | 0.4 | 90m / 25h | 25% ❌ \\(target 5%\\) | 7m / 10m |");
  }

  @Test
  void aBranchNameIsNotTakenForTheSourceCommit() throws Exception {
    ferryAnswers(0, Map.of("environment", "staging", "noop", true, "images", Map.of()));
    runner.env.put("GITHUB_SHA", "main --approved-by=alice");
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2\n").input("to", "staging");
    assertThat(runner.run("run").exitCode()).isZero();
    assertThat(ferryArgs()).doesNotContain("--source-commit").doesNotContain("main --approved-by=alice");
  }

  @Test
  void hostileInputsStayLiteralArguments() throws Exception {
    // given
    ferryAnswers(0, Map.of("environment", "dev", "commit", "c1"));
    String image = "registry.example.com/shop/web:1.0;rm$(id)`id`\"q\"'q'";
    runner.input("command", "promote").input("services", "web=" + image).input("to", "dev")
        .input("args", "--message\nrelease $(whoami); echo pwned");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsSubsequence("--to=dev", "--message", "release $(whoami); echo pwned", "--", "web=" + image);
  }

  @Test
  void aConfigErrorBecomesAnAnnotationOnItsFileAndLine() throws Exception {
    // given
    ferryAnswers(2, Map.of("error", Map.of("message", "unknown key 'gatez' in environment staging", "exitCode", 2,
        "file", "deploy/ferry.yaml", "line", 14, "column", 5, "suggestion", "did you mean gates?")));
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2").input("to", "staging");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).contains("::error file=deploy/ferry.yaml,line=14,col=5,title=ferry promote::"
        + "unknown key 'gatez' in environment staging%0Adid you mean gates?");
    assertThat(runner.summary()).contains("### Ferry promote failed", "(deploy/ferry.yaml:14:5)", "> did you mean gates?");
    assertThat(runner.outputs()).containsEntry("commit", "").containsEntry("exit-code", "2");
  }

  @Test
  void failedGatesAreAnnotatedAndSummarised() throws Exception {
    // given
    ferryAnswersSample("verify-failed");
    runner.input("command", "verify").input("env", "staging").input("services", "web\napi");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ferryArgs()).containsExactly("verify", "--json", "--config=ferry.yaml", "--env=staging", "--", "web", "api");
    assertThat(run.stdout()).contains("::error title=gate http http%3A//127.0.0.1%3A8080/healthz failed::still RUNNING after 1s:"
        + " GET http://127.0.0.1:8080/healthz answered $.status = DOWN, expected UP");
    assertThat(runner.summary()).contains("**Gates:** failed", "| http http://127.0.0.1:8080/healthz | ❌ FAILED |");
  }

  @Test
  void aBlockedScanListsTheBlockingFindings() throws Exception {
    // given
    ferryAnswersSample("scan-blocked");
    runner.input("command", "scan").input("args", "--image\nregistry.example.com/shop/web:1.4.2");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(ferryArgs()).containsExactly("scan", "--json", "--image", "registry.example.com/shop/web:1.4.2");
    assertThat(runner.summary()).contains("`registry.example.com/shop/web:1.2.0` **blocked**: 1 blocking findings",
        "| CVE-2024-5535 | libssl3 | CRITICAL | 3.0.13-1\\~deb12u1 | CRITICAL with a fix available |");
    assertThat(run.stdout()).contains("::error title=ferry scan::1 blocking findings");
  }

  @Test
  void statusIsATableOfServicesByEnvironment() throws Exception {
    // given
    ferryAnswersSample("status");
    runner.input("command", "status");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    String web = "registry.example.com/shop/web";
    assertThat(runner.summary()).contains("| service | dev | staging | prod |",
        "| web | " + web + ":1.1.0 \\(failed\\) | " + web + ":1.0.0 \\(pending\\) | " + web + ":1.0.0 \\(pending\\) |",
        "| dev | web | `" + web + ":1.2.0@sha256:" + "2".repeat(64) + "` | error rate 30% |");
  }

  @Test
  void aMultiLineResultSurvivesTheOutputFile() throws Exception {
    // given
    ferryAnswers(0, Map.of("id", "rb-1", "environment", "dev", "service", "web", "blocked", "web:1.4.2", "restored", "web:1.4.1",
        "commit", "c1", "noop", false, "reason", "line one\nline two\nEOF\n"));
    runner.input("command", "rollback").input("env", "dev").input("services", "web");
    // when
    runner.run("run");
    // then
    assertThat(new ObjectMapper().readTree(runner.outputs().get("result")).get("reason").asText())
        .isEqualTo("line one\nline two\nEOF\n");
    assertThat(runner.summary()).contains("| web | `web:1.4.1` | `web:1.4.2` | `c1` |");
    assertThat(ferryArgs()).containsExactly("rollback", "--json", "--config=ferry.yaml", "--env=dev", "--", "web");
  }

  @Test
  void aRolloutThatCouldNotBeAbortedIsShownUnderTheRollback() throws Exception {
    // given
    ferryAnswers(0, Map.of("id", "rb-2", "environment", "staging", "service", "web", "blocked", "web:1.5.0",
        "restored", "web:1.4.2", "commit", "c2", "noop", false, "reason", "gate failed",
        "rolloutsAborted", List.of(), "rolloutAbortFailures", List.of("cannot abort Rollout shop/web: forbidden")));
    runner.input("command", "rollback").input("env", "staging").input("services", "web");
    // when
    runner.run("run");
    // then
    assertThat(runner.summary()).contains("| web | `web:1.4.2` | `web:1.5.0` | `c2` |",
        "> Rollout not aborted: cannot abort Rollout shop/web: forbidden. The rollback stands");
  }

  /**
   * An HTTP fake of GitHub's "review history for a workflow run" endpoint
   * (GET /repos/{owner}/{repo}/actions/runs/{run_id}/approvals), answering {@code reviews} as the
   * documented JSON and remembering the requests' path and Authorization header.
   */
  com.sun.net.httpserver.HttpServer githubApi(int status, Object reviews, List<String> seen) throws Exception {
    var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      seen.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] body = new ObjectMapper().writeValueAsBytes(reviews);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    runner.env.put("GITHUB_API_URL", "http://127.0.0.1:" + server.getAddress().getPort());
    runner.env.put("FERRY_GITHUB_TOKEN", "ghs_not-a-real-token");
    return server;
  }

  static Map<String, Object> review(String state, String environment, String login) {
    return Map.of("state", state, "comment", "", "user", Map.of("login", login, "id", 1, "type", "User"),
        "environments", List.of(Map.of("id", 161088068, "name", environment, "url", "https://api.github.com/x")));
  }

  @Test
  void approvalEnvironmentRecordsTheReviewerWhoApprovedThisRunAgainstAnHttpFakeOfTheGitHubApi() throws Exception {
    // given: bob approved staging earlier in the run, alice approved prod
    List<String> seen = new java.util.ArrayList<>();
    var api = githubApi(200, List.of(review("approved", "staging", "bob"), review("rejected", "prod", "mallory"),
        review("approved", "prod", "alice")), seen);
    try {
      ferryAnswers(0, Map.of("promotionId", "fp-10", "environment", "prod", "commit", "abc", "noop", false));
      runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
          .input("to", "prod").input("approval", "environment");
      // when
      Runner.Result run = runner.run("run");
      // then
      assertThat(run.exitCode()).as(run.stdout() + run.stderr()).isZero();
      assertThat(ferryArgs()).containsSubsequence("--to=prod", "--approved-by=alice", "--approval-source=github-environment",
          "--github-environment=prod", "--", "web=registry.example.com/shop/web:1.4.2");
      assertThat(seen).containsExactly("/repos/shop/web/actions/runs/4242/approvals Bearer ghs_not-a-real-token");
      assertThat(run.stdout() + run.stderr() + runner.summary()).doesNotContain("ghs_not-a-real-token");
    } finally {
      api.stop(0);
    }
  }

  @Test
  void approvalEnvironmentWithoutAnApprovalOfThatEnvironmentRefusesWithoutRunningFerry() throws Exception {
    // given: the only approval is for another environment, and prod's review was a rejection
    var api = githubApi(200, List.of(review("approved", "staging", "bob"), review("rejected", "prod", "mallory")),
        new java.util.ArrayList<>());
    try {
      ferryAnswers(0, Map.of());
      runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
          .input("to", "prod").input("approval", "environment");
      // when
      Runner.Result run = runner.run("run");
      // then
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(Files.exists(argsFile)).as("ferry did not run").isFalse();
      assertThat(run.stdout()).contains("::error title=ferry promote::nobody approved the deployment to GitHub environment 'prod'");
    } finally {
      api.stop(0);
    }
  }

  @Test
  void approvalEnvironmentWhenGitHubRefusesTheTokenIsAnOutsideFailure() throws Exception {
    // given
    var api = githubApi(403, Map.of("message", "Resource not accessible by integration"), new java.util.ArrayList<>());
    try {
      ferryAnswers(0, Map.of());
      runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
          .input("to", "prod").input("approval", "environment");
      // when
      Runner.Result run = runner.run("run");
      // then
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(Files.exists(argsFile)).isFalse();
      assertThat(run.stdout()).contains("answered 403 (the token needs permission actions: read)")
          .doesNotContain("ghs_not-a-real-token");
    } finally {
      api.stop(0);
    }
  }

  @Test
  void approvalEnvironmentDoesNotTakeAnApproverFromArgs() throws Exception {
    // given
    runner.env.put("FERRY_GITHUB_TOKEN", "ghs_not-a-real-token");
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
        .input("to", "prod").input("approval", "environment").input("args", "--approved-by\nalice");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).contains("records the reviewer itself; remove --approved-by from args");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"promote:--approved-by=alice", "promote:@file=x",
      "promote:$(id)=x", "promote:-x=y", "verify:--opt=x", "verify:@file", "verify:$(id)", "rollback:--approved-by=bob"})
  void aServiceOutsideFerryYamlsGrammarIsRefusedBeforeFerryRuns(String commandAndService) throws Exception {
    // given
    String[] parts = commandAndService.split(":", 2);
    runner.input("command", parts[0]).input("services", parts[1] + (parts[0].equals("promote") ? "" : ""))
        .input("to", "dev").input("env", "dev");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(argsFile).doesNotExist();
    assertThat(run.stdout()).contains("::error title=ferry action::input services:");
  }

  @Test
  void anEnvironmentThatLooksLikeAnOptionStaysTheValueOfItsOption() throws Exception {
    // given
    ferryAnswersSample("error-input");
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.4.2")
        .input("to", "--approved-by=alice").input("config", "@/etc/passwd");
    // when
    runner.run("run");
    // then
    assertThat(ferryArgs()).containsExactly("promote", "--json", "--config=@/etc/passwd", "--to=--approved-by=alice",
        "--source=https://github.com/shop/web/actions/runs/4242", "--", "web=registry.example.com/shop/web:1.4.2");
  }

  @Test
  void hostileTextInFerrysResultStaysInertInTheLogAndTheSummary() throws Exception {
    // given: a gate whose server answered markup, a runner command and a terminal escape
    String hostile = "</table><img src=x onerror=alert(1)> [click](http://evil.example) **bold**\n::error title=owned::x\r\n"
        + "::add-mask::y \u001b]8;;http://evil\u0007";
    Map<String, Object> printed = sample("verify-failed");
    @SuppressWarnings("unchecked")
    Map<String, Object> outcome = new java.util.LinkedHashMap<>(((List<Map<String, Object>>) printed.get("outcomes")).get(0));
    outcome.put("gate", "http </table>");
    outcome.put("reason", hostile);
    printed = new java.util.LinkedHashMap<>(printed);
    printed.put("outcomes", List.of(outcome));
    ferryAnswers(1, printed);
    runner.input("command", "verify").input("env", "dev");
    // when
    Runner.Result run = runner.run("run");
    // then
    String summary = runner.summary();
    assertThat(summary).doesNotContain("<img", "</table>", "[click](", "**bold**", "\u001b", "\u0007")
        .contains("&lt;img src=x onerror=alert\\(1\\)&gt;", "\\[click\\]\\(http://evil.example\\)");
    assertThat(run.stdout()).doesNotContain("\u001b", "\u0007");
    assertThat(run.stdout().lines()).noneMatch(l -> l.startsWith("::error title=owned") || l.startsWith("::add-mask"));
    assertThat(run.stdout()).contains("::error title=gate http </table> failed::</table><img src=x onerror=alert(1)>");
  }

  @Test
  void promoteVerifyThatFailedShowsTheGatesAndTheRollbackFromTheCliSample() throws Exception {
    // given
    ferryAnswersSample("promote-verify-failed");
    runner.input("command", "promote").input("services", "web=registry.example.com/shop/web:1.2.0").input("to", "dev")
        .input("args", "--verify");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(runner.summary()).contains("**Gates:** failed", "| http http://127.0.0.1:8080/healthz | ❌ FAILED |",
        "**Rolled back**", "| web | `registry.example.com/shop/web:1.1.0@sha256:");
    assertThat(run.stdout()).contains("::error title=gate http http%3A//127.0.0.1%3A8080/healthz failed::");
  }

  @Test
  void releaseLiftsABlockWithTheServiceAndImageAfterTheOptions() throws Exception {
    // given
    ferryAnswersSample("release");
    String image = (String) sample("release").get("image");
    runner.input("command", "release").input("env", "dev").input("services", "web=" + image);
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(ferryArgs()).containsExactly("release", "--json", "--config=ferry.yaml", "--env=dev", "--", "web", image);
    assertThat(runner.summary()).contains("### Ferry release: `dev`", "Released web `" + image + "`");
  }

  @Test
  void theServiceNameGrammarIsACopyOfTheClis() throws Exception {
    String grammar = new ObjectMapper().readTree(Runner.ACTION_DIR.resolve("../../docs/json/contract.json").toFile())
        .get("serviceName").asText();
    assertThat(Files.readString(Runner.ACTION_DIR.resolve("ferry-action.js")))
        .contains("const SERVICE_NAME = /^" + grammar + "$/;");
  }

  @Test
  void anUnknownCommandIsRefusedWithoutRunningFerry() throws Exception {
    // given
    runner.input("command", "deploy");
    // when
    Runner.Result run = runner.run("run");
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stdout()).contains("::error title=ferry action::input command: 'deploy' is not one of promote, verify");
    assertThat(argsFile).doesNotExist();
  }

  @Test
  void resolveVersionTakesThePinnedVersionUnlessOneIsGiven() throws Exception {
    // when
    runner.run("resolve-version");
    Map<String, String> pinned = runner.outputs();
    Files.writeString(runner.output, "");
    runner.input("ferry-version", "9.9.9").input("ferry-sha256", "ab".repeat(32));
    runner.run("resolve-version");
    Map<String, String> given = runner.outputs();
    // then
    String properties = Files.readString(Runner.ACTION_DIR.resolve("../../resources/dev/ferry/ferry.properties"));
    assertThat(properties).contains("version=" + pinned.get("version"));
    assertThat(pinned.get("tool-cache")).isEqualTo(dir.resolve("toolcache/ferry/tools").toString());
    assertThat(given).containsEntry("version", "9.9.9").containsEntry("sha256", "ab".repeat(32));
  }
}
