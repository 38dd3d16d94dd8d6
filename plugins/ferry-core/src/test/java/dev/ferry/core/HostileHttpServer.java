package dev.ferry.core;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A real HTTP server (the JDK's) on a free loopback port that answers the way a hostile or broken
 * server does: a redirect to another origin, a body trickled one byte every two seconds, a body
 * that never ends. It records the {@code Authorization} header of every request it receives.
 * Every loop stops when the client hangs up, or after a bound.
 */
public final class HostileHttpServer implements AutoCloseable {

  /** Authorization headers received, "(none)" for a request without one, in order. */
  public final List<String> authorizations = new CopyOnWriteArrayList<>();
  /** Request paths received, in order. */
  public final List<String> paths = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  public HostileHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "hostile-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** {@code path} answers {@code status} with a JSON body. */
  public HostileHttpServer answer(String path, int status, String json) {
    server.createContext(path, ex -> {
      record(ex);
      byte[] b = json.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    return this;
  }

  /** {@code path} answers with {@code handler}, after the request is recorded. */
  public HostileHttpServer handle(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, ex -> {
      record(ex);
      handler.handle(ex);
    });
    return this;
  }

  /** {@code path} answers 302 to {@code location}. */
  public HostileHttpServer redirect(String path, URI location) {
    server.createContext(path, ex -> {
      record(ex);
      ex.getResponseHeaders().set("Location", location.toString());
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    return this;
  }

  /** {@code path} answers 200 at once, then sends its body one byte every two seconds (60 at most). */
  public HostileHttpServer trickle(String path) {
    server.createContext(path, ex -> {
      record(ex);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 60; i++) {
          out.write(i == 0 ? '{' : ' ');
          out.flush();
          Thread.sleep(2000);
        }
      } catch (IOException | InterruptedException hungUp) {
        // the client gave up: what the test wants
      }
      ex.close();
    });
    return this;
  }

  /** {@code path} answers 200 and streams 64 KB chunks until the client hangs up (4 GB at most). */
  public HostileHttpServer endless(String path) {
    server.createContext(path, ex -> {
      record(ex);
      ex.sendResponseHeaders(200, 0);
      byte[] chunk = new byte[65536];
      java.util.Arrays.fill(chunk, (byte) 'a');
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 65536; i++) {
          out.write(chunk);
        }
      } catch (IOException hungUp) {
        // the client stopped reading
      }
      ex.close();
    });
    return this;
  }

  private void record(HttpExchange ex) {
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(auth == null ? "(none)" : auth);
    paths.add(ex.getRequestURI().getPath());
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
