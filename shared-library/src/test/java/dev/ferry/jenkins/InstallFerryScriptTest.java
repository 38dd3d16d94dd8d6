package dev.ferry.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * resources/dev/ferry/install-ferry.sh against a Maven repository on disk (file://) and one served
 * over loopback HTTP: the pinned checksum is checked with sha256sum -c, a mismatch installs nothing.
 */
class InstallFerryScriptTest {

  static final Path SCRIPT = ScriptRun.REPO_ROOT.resolve("resources/dev/ferry/install-ferry.sh");
  static final byte[] JAR = "PK\3\4 a stand-in for ferry-cli-9.9.9.jar".getBytes(StandardCharsets.ISO_8859_1);

  @TempDir
  Path dir;
  Path repo;
  Path cache;
  Path properties;

  @BeforeEach
  void publishTheJarInALocalRepository() throws Exception {
    repo = dir.resolve("m2");
    Path jar = repo.resolve("dev/ferry/ferry-cli/9.9.9/ferry-cli-9.9.9.jar");
    Files.createDirectories(jar.getParent());
    Files.write(jar, JAR);
    cache = dir.resolve("tools");
    properties = dir.resolve("ferry.properties");
    Files.writeString(properties, "# pinned\nversion=9.9.9\nsha256=" + sha256(JAR) + "\n");
  }

  Map<String, String> env(String mavenRepo) {
    Map<String, String> env = new HashMap<>();
    env.put("FERRY_PROPERTIES", properties.toString());
    env.put("FERRY_MAVEN_REPO", mavenRepo);
    env.put("FERRY_TOOL_CACHE", cache.toString());
    env.put("HOME", dir.toString());
    return env;
  }

  @Test
  void installsThePinnedJarFromAFileRepositoryIntoTheToolCache() throws Exception {
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env(repo.toUri().toString()), dir);
    // then
    Path installed = cache.resolve("ferry-cli/9.9.9/ferry-cli-9.9.9.jar");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).isEqualTo(installed + "\n");
    assertThat(Files.readAllBytes(installed)).isEqualTo(JAR);
  }

  @Test
  void refusesAJarWhoseChecksumDiffersAndInstallsNothing() throws Exception {
    // given
    Files.writeString(properties, "version=9.9.9\nsha256=" + "0".repeat(64) + "\n");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env(repo.toUri().toString()), dir);
    // then
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stdout()).isEmpty();
    assertThat(run.stderr()).contains("SHA-256 mismatch", "expected " + "0".repeat(64), "got " + sha256(JAR));
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile)).isEmpty();
    }
  }

  @Test
  void fetchesOnceOverHttpThenUsesTheCache() throws Exception {
    // given
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = serve(requests);
    try {
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2/";
      // when
      ScriptRun first = ScriptRun.bash(SCRIPT, env(url), dir);
      ScriptRun second = ScriptRun.bash(SCRIPT, env(url), dir);
      // then
      assertThat(first.exitCode()).as(first.stderr()).isZero();
      assertThat(second.stdout()).isEqualTo(first.stdout());
      assertThat(requests).hasValue(1);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aCorruptedCachedJarIsFetchedAgain() throws Exception {
    // given
    ScriptRun.bash(SCRIPT, env(repo.toUri().toString()), dir);
    Path installed = cache.resolve("ferry-cli/9.9.9/ferry-cli-9.9.9.jar");
    Files.writeString(installed, "truncated");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env(repo.toUri().toString()), dir);
    // then
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(Files.readAllBytes(installed)).isEqualTo(JAR);
  }

  @Test
  void aMirrorsPasswordGoesToCurlInAPrivateNetrcFileNotOnItsCommandLine() throws Exception {
    // given: a curl on the PATH that records its arguments and the netrc file it was given
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path seen = dir.resolve("curl-saw.txt");
    Files.writeString(bin.resolve("curl"), "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > '" + seen + "'\n"
        + "while [ $# -gt 0 ]; do if [ \"$1\" = --netrc-file ]; then stat -c %a \"$2\" >> '" + seen + "'; cat \"$2\" >> '"
        + seen + "'; fi; shift; done\nexit 22\n");
    bin.resolve("curl").toFile().setExecutable(true);
    Map<String, String> env = env("https://ci:hunter2-SECRET@mirror.example.com/maven2");
    env.put("PATH", bin + ":" + System.getenv("PATH"));
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env, dir);
    // then
    assertThat(run.exitCode()).isEqualTo(3);
    String saw = Files.readString(seen);
    String arguments = saw.substring(0, saw.indexOf("machine "));
    assertThat(arguments).doesNotContain("hunter2").contains("https://mirror.example.com/maven2/dev/ferry/ferry-cli/9.9.9/");
    assertThat(saw).contains("600\nmachine mirror.example.com\nlogin ci\npassword hunter2-SECRET\n");
    try (var left = Files.walk(cache)) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith(".netrc"))).as("the netrc file is removed").isEmpty();
    }
  }

  @Test
  void neverPrintsThePasswordOfAMirrorUrl() throws Exception {
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env("http://ci:hunter2-SECRET@127.0.0.1:9/maven2"), dir);
    // then
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.stderr()).contains("cannot download http://***@127.0.0.1:9/maven2/dev/ferry/ferry-cli/9.9.9/")
        .doesNotContain("hunter2");
  }

  @Test
  void usesFerryJarWhenSet() throws Exception {
    // given
    Path own = Files.write(dir.resolve("ferry.jar"), JAR);
    Map<String, String> env = env("file:///nonexistent");
    env.put("FERRY_JAR", own.toString());
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env, dir);
    // then
    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).isEqualTo(own + "\n");
  }

  @Test
  void refusesAVersionWithoutItsChecksum() throws Exception {
    // given
    Map<String, String> env = env(repo.toUri().toString());
    env.put("FERRY_VERSION", "9.9.9");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env, dir);
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("FERRY_VERSION=9.9.9 is set without FERRY_SHA256");
  }

  @Test
  void refusesToRunWhileNoChecksumIsPinned() throws Exception {
    // given
    Files.writeString(properties, "version=9.9.9\nsha256=\n");
    // when
    ScriptRun run = ScriptRun.bash(SCRIPT, env(repo.toUri().toString()), dir);
    // then
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("no SHA-256 pinned for ferry 9.9.9");
  }

  @Test
  void theShippedPropertiesPinAMavenVersion() throws Exception {
    // given
    String text = Files.readString(ScriptRun.REPO_ROOT.resolve("resources/dev/ferry/ferry.properties"));
    // then
    assertThat(text).containsPattern("(?m)^version=[0-9]+\\.[0-9]+\\.[0-9]+$").containsPattern("(?m)^sha256=");
  }

  HttpServer serve(AtomicInteger requests) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/maven2/", exchange -> {
      requests.incrementAndGet();
      Path file = repo.resolve(exchange.getRequestURI().getPath().substring("/maven2/".length()));
      if (Files.isRegularFile(file)) {
        byte[] body = Files.readAllBytes(file);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
      exchange.close();
    });
    server.start();
    return server;
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
