package dev.ferry.core.notify;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP fake of a notification receiver (Slack's incoming webhooks, a Teams workflow webhook, a
 * CloudEvents webhook receiver, Grafana's annotations API) on loopback: it records every request
 * and answers with the statuses it is told, then 200. The payload checks are the tests' own,
 * against each receiver's documented format.
 */
final class ReceiverFake implements AutoCloseable {

  record Request(String method, String path, Map<String, List<String>> headers, byte[] body) {
    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private volatile String location;

  ReceiverFake() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = exchange.getRequestBody().readAllBytes();
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          Map.copyOf(exchange.getRequestHeaders()), body));
      int status;
      synchronized (statuses) {
        status = statuses.isEmpty() ? 200 : statuses.poll();
      }
      if (status / 100 == 3 && location != null) {
        exchange.getResponseHeaders().add("Location", location);
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
  }

  /** The next answers, in order; 200 after them. */
  ReceiverFake answering(int... codes) {
    synchronized (statuses) {
      for (int c : codes) {
        statuses.add(c);
      }
    }
    return this;
  }

  ReceiverFake redirectingTo(String url) {
    this.location = url;
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
