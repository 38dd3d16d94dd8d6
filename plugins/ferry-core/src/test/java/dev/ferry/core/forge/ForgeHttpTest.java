package dev.ferry.core.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ForgeHttp goes through HttpCall: the credential reaches only the API's origin, redirects
 * included, and a body is capped. Two forge API fakes on loopback: the configured API, and another
 * origin that must never see the token.
 */
class ForgeHttpTest {

  private static final String TOKEN = "Bearer forge-token-123";

  private MisbehavingForgeApiFake api;
  private MisbehavingForgeApiFake elsewhere;
  private ForgeHttp http;

  @BeforeEach
  void start() throws IOException {
    api = new MisbehavingForgeApiFake();
    elsewhere = new MisbehavingForgeApiFake();
    ForgeContext ctx = new ForgeContext(Map.of(), Clock.systemUTC(), d -> { }, Instant.now().plusSeconds(600),
        FerryListener.NONE);
    http = new ForgeHttp(new ForgeHttp.Setup(api.url(), "FORGE_TOKEN", () -> TOKEN, ctx));
  }

  @AfterEach
  void stop() {
    api.close();
    elsewhere.close();
  }

  @Test
  void aRedirectWithinTheApiIsFollowedWithTheCredential() {
    api.answer("/repos/old", ex -> redirect(ex, api.url() + "/repos/new"));
    api.answer("/repos/new", ex -> json(ex, 200, "{\"name\":\"new\"}"));

    assertThat(http.get("/repos/old").path("name").asText()).isEqualTo("new");
    assertThat(api.authorizations).containsExactly(TOKEN, TOKEN);
  }

  @Test
  void aRedirectToAnotherOriginIsNotFollowedAndTheTokenStaysHome() {
    api.answer("/repos/old", ex -> redirect(ex, elsewhere.url() + "/steal"));
    elsewhere.answer("/steal", ex -> json(ex, 200, "{}"));

    assertThatThrownBy(() -> http.get("/repos/old"))
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("another origin");
    assertThat(elsewhere.authorizations).isEmpty();
  }

  @Test
  void anAbsoluteLinkToAnotherOriginIsRefusedBeforeAnythingIsSent() {
    elsewhere.answer("/page2", ex -> json(ex, 200, "[]"));

    assertThatThrownBy(() -> http.get(elsewhere.url() + "/page2"))
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("only to " + api.url())
        .hasMessageNotContaining("forge-token-123");
    assertThat(elsewhere.authorizations).isEmpty();
  }

  @Test
  void aBodyOverTheCapIsRefusedInsteadOfFillingTheHeap() {
    byte[] big = ("{\"x\":\"" + "a".repeat(17 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
    api.answer("/huge", ex -> {
      ex.sendResponseHeaders(200, 0); // chunked: no Content-Length to refuse early
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < big.length; i += 65536) {
          out.write(big, i, Math.min(65536, big.length - i));
        }
      } catch (IOException closedByFerry) {
        // Ferry stops reading past the cap
      }
    });

    assertThatThrownBy(() -> http.get("/huge"))
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("larger than 16 MB");
    assertThat(api.authorizations).hasSize(1); // not retried: the same answer would come again
  }

  private static void redirect(HttpExchange ex, String to) throws IOException {
    ex.getResponseHeaders().add("Location", to);
    ex.sendResponseHeaders(302, -1);
    ex.close();
  }

  private static void json(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A forge API on loopback whose answers each test scripts; it records the credential of every call. */
  static final class MisbehavingForgeApiFake implements AutoCloseable {
    interface Handler {
      void handle(HttpExchange ex) throws IOException;
    }

    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    MisbehavingForgeApiFake() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(String path, Handler handler) {
      server.createContext(path, ex -> {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        authorizations.add(auth == null ? "(none)" : auth);
        handler.handle(ex);
      });
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
