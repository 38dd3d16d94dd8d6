package dev.ferry.serve;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@code ferry serve} listens and who may act.
 *
 * @param bind the address to listen on (loopback by default)
 * @param port the port, 0 for any free one
 * @param refresh how often git is fetched and the board read again
 * @param readOnly no actions at all
 * @param trustedProxies addresses of reverse proxies whose user header is trusted
 * @param tokensFile bearer tokens, lines {@code NAME TOKEN}, or null
 * @param webhookSecret the push webhook's secret (from an environment variable), or null
 * @param localUser who acts on an open loopback bind
 */
public record ServeOptions(InetAddress bind, int port, Duration refresh, boolean readOnly, List<String> trustedProxies,
    Path tokensFile, String webhookSecret, String localUser) {

  public ServeOptions {
    trustedProxies = List.copyOf(trustedProxies);
  }

  /** Loopback, a free port, a fetch every 30 seconds, the local user. */
  public static ServeOptions loopback(int port, String localUser) {
    return new ServeOptions(InetAddress.getLoopbackAddress(), port, Duration.ofSeconds(30), false, List.of(), null, null,
        localUser);
  }

  public ServeOptions withRefresh(Duration value) {
    return new ServeOptions(bind, port, value, readOnly, trustedProxies, tokensFile, webhookSecret, localUser);
  }

  public ServeOptions withReadOnly(boolean value) {
    return new ServeOptions(bind, port, refresh, value, trustedProxies, tokensFile, webhookSecret, localUser);
  }

  public ServeOptions withAccess(List<String> proxies, Path tokens) {
    return new ServeOptions(bind, port, refresh, readOnly, proxies, tokens, webhookSecret, localUser);
  }

  public ServeOptions withWebhookSecret(String value) {
    return new ServeOptions(bind, port, refresh, readOnly, trustedProxies, tokensFile, value, localUser);
  }

  public ServeOptions withBind(InetAddress value) {
    return new ServeOptions(value, port, refresh, readOnly, trustedProxies, tokensFile, webhookSecret, localUser);
  }
}
