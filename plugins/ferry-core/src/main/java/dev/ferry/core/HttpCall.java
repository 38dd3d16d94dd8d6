package dev.ferry.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP call as every Ferry client makes it: the whole exchange, body included, ends by a
 * deadline; the body is capped; redirects are followed by hand so that credentials reach only the
 * origin (scheme, host and port) they were configured for.
 *
 * <p>The JDK's own request timeout ends when the headers arrive: a server that then trickles one
 * byte every few seconds, or streams forever, would hold the caller and fill its heap. The JDK's
 * own redirect handling copies the {@code Authorization} header to whatever host a 302 names.
 * Clients given to this class must be built with {@link HttpClient.Redirect#NEVER}.
 *
 * <pre>{@code
 * HttpCall.Answer a = HttpCall.send(client, HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + t).build(),
 *     Duration.ofSeconds(10), HttpCall.MAX_BODY, HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS);
 * }</pre>
 */
public final class HttpCall {

  /** The largest answer read into memory: API answers are far smaller. */
  public static final long MAX_BODY = 16L * 1024 * 1024;

  private static final int MAX_REDIRECTS = 5;

  private HttpCall() {
  }

  /**
   * The call was stopped by Ferry, not by the network: a body over the cap or a redirect that is
   * not followed. Asking again gives the same answer, so callers do not retry it.
   */
  public static final class Stopped extends IOException {
    public Stopped(String message) {
      super(message);
    }
  }

  /** Where a redirect of a request that carries an {@code Authorization} header may go. */
  public enum Redirects {
    /**
     * Another origin is refused: authenticated API calls (Argo CD, Prometheus, an HTTP probe with
     * a token) are never sent anywhere but where they were configured.
     */
    SAME_ORIGIN_WITH_CREDENTIALS,
    /**
     * Another origin is followed without the {@code Authorization} header: registries send blob
     * downloads to a storage service with a signed URL.
     */
    OTHER_ORIGIN_WITHOUT_CREDENTIALS,
    /** No redirect is followed: the 3xx answer is returned (a webhook URL is itself the secret). */
    NONE
  }

  /** A complete answer: status, headers, the body, and the URI that gave it (after redirects). */
  public record Answer(int status, HttpHeaders headers, byte[] body, URI uri) {
    public Answer {
      Objects.requireNonNull(headers, "headers");
      body = body == null ? new byte[0] : body;
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Optional<String> header(String name) {
      return headers.firstValue(name);
    }
  }

  /** Whether two URIs share scheme, host and port (default ports made explicit). */
  public static boolean sameOrigin(URI a, URI b) {
    return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
  }

  /** {@code scheme://host:port} of {@code uri}, without user information: safe to show. */
  public static String origin(URI uri) {
    return scheme(uri) + "://" + (uri.getHost() == null ? "" : uri.getHost()) + ":" + port(uri);
  }

  /**
   * Sends {@code request} and reads the whole answer into memory.
   *
   * @param deadline how long the whole call may take, redirects and body included
   * @param maxBody the largest body accepted; a larger one fails the call
   * @throws HttpTimeoutException when the deadline passes first
   * @throws IOException on a transport failure, a body over the cap or a refused redirect
   */
  public static Answer send(HttpClient client, HttpRequest request, Duration deadline, long maxBody,
      Redirects redirects) throws IOException, InterruptedException {
    return exchange(client, request, deadline, redirects, status -> new Capped(maxBody, null));
  }

  /**
   * Sends {@code request}; a 2xx body goes to {@code file} (up to {@code maxFile} bytes), any
   * other answer's body is read into memory (up to {@link #MAX_BODY}) to be quoted.
   */
  public static Answer sendToFile(HttpClient client, HttpRequest request, Duration deadline, Path file,
      long maxFile, Redirects redirects) throws IOException, InterruptedException {
    return exchange(client, request, deadline, redirects,
        status -> status / 100 == 2 ? new Capped(maxFile, file) : new Capped(MAX_BODY, null));
  }

  private interface Sink {
    Capped forStatus(int status);
  }

  private static Answer exchange(HttpClient client, HttpRequest request, Duration deadline, Redirects redirects,
      Sink sink) throws IOException, InterruptedException {
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("HttpCall follows redirects itself: build the client with Redirect.NEVER");
    }
    long end = System.nanoTime() + deadline.toNanos();
    URI first = request.uri();
    HttpRequest current = request;
    for (int hops = 0; ; hops++) {
      Answer answer = once(client, current, end, deadline, sink);
      int s = answer.status();
      Optional<String> location = answer.header("Location");
      if (!(s == 301 || s == 302 || s == 303 || s == 307 || s == 308) || location.isEmpty()
          || redirects == Redirects.NONE) {
        return answer;
      }
      if (hops >= MAX_REDIRECTS) {
        throw new Stopped(origin(first) + " redirected more than " + MAX_REDIRECTS + " times");
      }
      URI next = current.uri().resolve(location.get().trim());
      if (scheme(current.uri()).equals("https") && !scheme(next).equals("https")) {
        throw new Stopped(origin(current.uri()) + " redirected to " + origin(next)
            + ": Ferry does not follow a redirect from HTTPS to plain HTTP");
      }
      boolean same = sameOrigin(first, next);
      boolean authenticated = current.headers().firstValue("Authorization").isPresent();
      if (!same && authenticated && redirects == Redirects.SAME_ORIGIN_WITH_CREDENTIALS) {
        throw new Stopped(origin(first) + " redirected to another origin, " + origin(next)
            + "; Ferry sends credentials only to the configured scheme, host and port and does not"
            + " follow it (configure the final URL instead)");
      }
      String method = s == 303 ? "GET" : current.method();
      HttpRequest.Builder b = HttpRequest.newBuilder(next).method(method,
          method.equals(current.method()) ? current.bodyPublisher().orElse(HttpRequest.BodyPublishers.noBody())
              : HttpRequest.BodyPublishers.noBody());
      current.timeout().ifPresent(b::timeout);
      current.headers().map().forEach((name, values) -> {
        boolean credential = name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Cookie");
        if (!credential || same) {
          values.forEach(v -> b.header(name, v));
        }
      });
      current = b.build();
    }
  }

  private static Answer once(HttpClient client, HttpRequest request, long end, Duration deadline, Sink sink)
      throws IOException, InterruptedException {
    long left = end - System.nanoTime();
    if (left <= 0) {
      throw new HttpTimeoutException("no complete answer within " + Durations.format(deadline));
    }
    CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(request, info -> {
      Capped body = sink.forStatus(info.statusCode());
      long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (length > body.max) {
        body.refuse(length);
      }
      return body;
    });
    try {
      HttpResponse<byte[]> r = f.get(left, TimeUnit.NANOSECONDS);
      return new Answer(r.statusCode(), r.headers(), r.body(), r.uri());
    } catch (TimeoutException e) {
      f.cancel(true);
      throw new HttpTimeoutException("no complete answer within " + Durations.format(deadline));
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    } catch (CancellationException e) {
      throw new IOException("the call was cancelled", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException(cause == null ? "the call failed" : cause.toString(), cause);
    }
  }

  /** Collects a body into memory or a file, and cancels the download once it passes the cap. */
  private static final class Capped implements HttpResponse.BodySubscriber<byte[]> {
    final long max;
    private final Path file;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream memory = new ByteArrayOutputStream();
    private FileChannel channel;
    private Flow.Subscription subscription;
    private long received;

    Capped(long max, Path file) {
      this.max = max;
      this.file = file;
    }

    void refuse(long length) {
      result.completeExceptionally(tooLarge(length));
    }

    private IOException tooLarge(long length) {
      return new Stopped("the answer is larger than " + size(max) + (length > 0 ? " (" + size(length) + ")" : "")
          + "; Ferry stopped reading it");
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (result.isDone()) {
        s.cancel();
        return;
      }
      try {
        if (file != null) {
          channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING);
        }
      } catch (IOException e) {
        result.completeExceptionally(e);
        s.cancel();
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      try {
        for (ByteBuffer b : items) {
          received += b.remaining();
          if (received > max) {
            close();
            result.completeExceptionally(tooLarge(-1));
            subscription.cancel();
            return;
          }
          if (channel != null) {
            while (b.hasRemaining()) {
              channel.write(b);
            }
          } else {
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            memory.write(chunk, 0, chunk.length);
          }
        }
      } catch (IOException e) {
        close();
        result.completeExceptionally(e);
        subscription.cancel();
        return;
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      close();
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      close();
      result.complete(file != null ? new byte[0] : memory.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    private void close() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the result already says what went wrong, or the data was written
        }
        channel = null;
      }
    }
  }

  private static String size(long bytes) {
    return bytes >= 1024 * 1024 ? (bytes / (1024 * 1024)) + " MB" : bytes >= 1024 ? (bytes / 1024) + " KB"
        : bytes + " bytes";
  }

  private static String scheme(URI uri) {
    return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String host(URI uri) {
    return uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return switch (scheme(uri)) {
      case "https" -> 443;
      case "http" -> 80;
      default -> -1;
    };
  }
}
