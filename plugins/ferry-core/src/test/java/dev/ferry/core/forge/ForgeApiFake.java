package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.testing.GitDaemon.Git;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The shared part of the forge API fakes: an HTTP server on loopback that records every request,
 * checks the credential, can answer with rate limits, and keeps pull requests whose branches live
 * in a real bare git repository. Merging does to that repository what the forge does: a squash
 * commit with the message the merge asked for, a merge commit with the promotion as second parent,
 * or the commit rebased onto the base. Each forge's fake maps its documented REST API onto this.
 */
abstract class ForgeApiFake implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  /** One recorded request. */
  record Call(String method, String path, JsonNode body, String authorization) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  /** A review or approval, as the forge holds it. */
  record FakeReview(String user, boolean approved, Instant at, String commit) {
  }

  /** A pull request as the forge holds it. */
  static final class Pull {
    int number;
    String head;
    String base;
    String title;
    String body;
    boolean open = true;
    boolean merged;
    String mergeCommit;
    String closedBy;
    final List<String> labels = new ArrayList<>();
    final List<String> reviewers = new ArrayList<>();
    final List<String> comments = new ArrayList<>();
    final List<FakeReview> reviews = new ArrayList<>();
    /** The merge the forge performs once its rules allow: method, title, message. */
    String[] autoMerge;
    int version;
  }

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final Map<Integer, Pull> pulls = new LinkedHashMap<>();
  final Path bare;
  final Path work;
  private final HttpServer server;
  private final String expectedAuthorization;
  private final List<int[]> limited = new ArrayList<>();
  private final List<Map<String, String>> limitedHeaders = new ArrayList<>();
  /** Approvals the forge's branch protection requires before it merges (auto-merge waits for them). */
  int requiredApprovals;
  /** The forge's clock: the scenario's, so that review times compare with push times. */
  java.util.function.Supplier<Instant> clock = () -> Instant.parse("2026-12-01T10:00:00Z");

  Instant now() {
    return clock.get();
  }

  ForgeApiFake(Path bare, Path scratch, String expectedAuthorization) throws IOException {
    this.bare = bare;
    this.work = Files.createDirectories(scratch.resolve("forge-work"));
    this.expectedAuthorization = expectedAuthorization;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The API root a config's {@code api:} names. */
  abstract String api();

  String root() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers one request of the forge's API; null for a route the fake does not know (404). */
  abstract Object route(String method, String path, Map<String, String> query, JsonNode body, Answer answer)
      throws IOException;

  /** The status and headers a route sets besides its JSON. */
  static final class Answer {
    int status = 200;
    final Map<String, String> headers = new LinkedHashMap<>();
  }

  /** The next {@code times} requests answer {@code status} with these headers (a rate limit). */
  void rateLimit(int times, int status, Map<String, String> headers) {
    for (int i = 0; i < times; i++) {
      limited.add(new int[] {status});
      limitedHeaders.add(headers);
    }
  }

  /** The error body this forge sends with a rate limit. */
  Object rateLimitBody() {
    return Map.of("message", "API rate limit exceeded");
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String raw = ex.getRequestURI().getRawPath();
      String q = ex.getRequestURI().getRawQuery();
      byte[] in = ex.getRequestBody().readAllBytes();
      JsonNode body = in.length == 0 ? MissingNode.getInstance() : JSON.readTree(in);
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String path = URLDecoder.decode(raw, StandardCharsets.UTF_8);
      calls.add(new Call(ex.getRequestMethod(), path + (q == null ? "" : "?" + URLDecoder.decode(q, StandardCharsets.UTF_8)),
          body, auth));
      Answer answer = new Answer();
      Object out;
      synchronized (this) {
        if (!limited.isEmpty()) {
          answer.status = limited.remove(0)[0];
          answer.headers.putAll(limitedHeaders.remove(0));
          out = rateLimitBody();
        } else if (!authorized(ex.getRequestMethod(), path, auth)) {
          answer.status = 401;
          out = Map.of("message", "Bad credentials");
        } else {
          out = route(ex.getRequestMethod(), path, query(q), body, answer);
          if (out == null) {
            answer.status = 404;
            out = Map.of("message", "Not Found");
          }
        }
      }
      byte[] bytes = out instanceof byte[] b ? b : JSON.writeValueAsBytes(out);
      answer.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      ex.getResponseHeaders().add("Content-Type", "application/json");
      ex.sendResponseHeaders(answer.status, answer.status == 204 ? -1 : bytes.length);
      if (answer.status != 204) {
        ex.getResponseBody().write(bytes);
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      throw e;
    }
  }

  boolean authorized(String method, String path, String authorization) {
    return expectedAuthorization.equals(authorization);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int eq = kv.indexOf('=');
        out.put(URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8),
            eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  // ---- the forge's model, shared by every fake

  synchronized Pull open(String head, String base, String title, String body) {
    headSha(head);
    Pull p = new Pull();
    p.number = pulls.size() + 1;
    p.head = head;
    p.base = base;
    p.title = title;
    p.body = body;
    pulls.put(p.number, p);
    return p;
  }

  Pull pull(String number) {
    try {
      return pulls.get(Integer.parseInt(number));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  String headSha(String branch) {
    try {
      return Git.run(bare, "rev-parse", "refs/heads/" + branch).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the forge shows a reader: a pending auto-merge happens once its rules allow. */
  synchronized Pull read(Pull p) {
    if (p.open && p.autoMerge != null && approvals(p) >= requiredApprovals && !conflicts(p)) {
      merge(p, p.autoMerge[0], p.autoMerge[1], p.autoMerge[2], "ferry-bot");
    }
    return p;
  }

  long approvals(Pull p) {
    String head = headSha(p.head);
    return p.reviews.stream().filter(r -> r.approved() && (r.commit() == null || r.commit().equals(head))).count();
  }

  boolean conflicts(Pull p) {
    try {
      Git.run(bare, "merge-tree", "--write-tree", "refs/heads/" + p.base, "refs/heads/" + p.head);
      return false;
    } catch (IOException conflict) {
      return true;
    }
  }

  /** A person approves on the forge, on the branch's current head. */
  synchronized void approve(int number, String user) {
    Pull p = pulls.get(number);
    p.reviews.add(new FakeReview(user, true, now(), headSha(p.head)));
  }

  /** A person closes it without merging. */
  synchronized void closeAs(int number, String user) {
    Pull p = pulls.get(number);
    p.open = false;
    p.closedBy = user;
  }

  /**
   * Merges as the forge does: {@code squash} one commit with {@code title} and {@code message} on
   * the base; {@code merge} a merge commit whose second parent is the branch; {@code rebase} the
   * branch's commits replayed on the base with their own messages.
   */
  synchronized void merge(Pull p, String method, String title, String message, String by) {
    try {
      Path dir = Files.createTempDirectory(work, "merge");
      Git.run(dir, "init", "-q", "-b", "work");
      Git.run(dir, "fetch", "-q", bare.toString(), "refs/heads/" + p.base + ":refs/heads/base",
          "refs/heads/" + p.head + ":refs/heads/head");
      Git.run(dir, "checkout", "-q", "base");
      Path msg = dir.resolve("../" + dir.getFileName() + ".msg");
      Files.writeString(msg, title + "\n\n" + message);
      switch (method) {
        case "squash" -> {
          Git.run(dir, "merge", "-q", "--squash", "head");
          Git.run(dir, "commit", "-q", "-F", msg.toString());
        }
        case "merge" -> Git.run(dir, "merge", "-q", "--no-ff", "-F", msg.toString(), "head");
        case "rebase" -> Git.run(dir, "cherry-pick", "base..head");
        default -> throw new IllegalArgumentException(method);
      }
      Git.run(dir, "push", "-q", bare.toString(), "HEAD:refs/heads/" + p.base);
      p.mergeCommit = Git.run(dir, "rev-parse", "HEAD").trim();
      p.open = false;
      p.merged = true;
      p.closedBy = by;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A merge asked through the API: when the forge's rules allow, merged now ("merged"); when not
   * and {@code auto}, kept for later ("scheduled"); else "refused"; "moved" when {@code sha} is not the head.
   */
  synchronized String mergeRequest(Pull p, String method, String title, String message, String sha, boolean auto) {
    if (sha != null && !sha.isEmpty() && !sha.equals(headSha(p.head))) {
      return "moved";
    }
    if (p.open && approvals(p) >= requiredApprovals && !conflicts(p)) {
      merge(p, method, title, message, "ferry-bot");
      return "merged";
    }
    if (p.open && auto) {
      p.autoMerge = new String[] {method, title, message};
      return "scheduled";
    }
    return "refused";
  }

  /** A person presses the merge button: the forge builds the message from the title and description. */
  synchronized void mergeAs(int number, String method, String user) {
    Pull p = pulls.get(number);
    merge(p, method, p.title + " (#" + p.number + ")", p.body, user);
  }

  /** Someone pushes to the base branch directly: {@code file} gets {@code text}. */
  void pushToBase(String base, String file, String text) throws IOException {
    Path dir = Files.createTempDirectory(work, "push");
    Git.run(dir, "init", "-q", "-b", "work");
    Git.run(dir, "fetch", "-q", bare.toString(), "refs/heads/" + base + ":refs/heads/base");
    Git.run(dir, "checkout", "-q", "base");
    Path f = dir.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
    Git.run(dir, "commit", "-q", "-am", "hand edit of " + file);
    Git.run(dir, "push", "-q", bare.toString(), "HEAD:refs/heads/" + base);
  }

  List<String> callLines() {
    return calls.stream().map(Call::toString).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
