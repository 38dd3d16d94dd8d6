package dev.ferry.core.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.HostileHttpServer;
import dev.ferry.core.InputException;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git over http(s) on loopback: credentials stay on their origin after a 302 (two JDK HTTP servers
 * playing the git server and a second port), certificates are verified whatever the mirror's
 * config says, and an untrusted certificate is bad input, said plainly, not retried (a JDK HTTPS
 * server with a self-signed certificate made by keytool).
 */
class TransportPolicyTest {

  static final String SECRET = "git-t0ken-5ecret";

  @TempDir Path tmp;
  final List<FerryEvent> events = new CopyOnWriteArrayList<>();

  static void challengeOrRecord(com.sun.net.httpserver.HttpExchange ex) throws java.io.IOException {
    if (ex.getRequestHeaders().getFirst("Authorization") == null) {
      ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
      ex.sendResponseHeaders(401, -1);
    } else {
      ex.sendResponseHeaders(404, -1);
    }
    ex.close();
  }

  @Test
  void basicCredentialsDoNotFollowARedirectToAnotherPort() throws Exception {
    try (HostileHttpServer configured = new HostileHttpServer(); HostileHttpServer second = new HostileHttpServer()) {
      second.handle("/", TransportPolicyTest::challengeOrRecord);
      configured.redirect("/env.git/info/refs", second.url("/env.git/info/refs?service=git-upload-pack"));
      RemoteSpec spec = new RemoteSpec(configured.url("/env.git").toString(), "main",
          GitCredentials.userPassword("ferry", SECRET));

      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add))
          .isInstanceOf(InputException.class)
          .hasMessage(configured.url("/env.git") + " answered with a redirect; Ferry sends the credentials only"
              + " to the configured scheme, host and port and does not follow redirects with them");

      assertThat(second.authorizations).allMatch(a -> a.equals("(none)"));
    }
  }

  @Test
  void credentialsGivenOnTheConfiguredOriginDoNotFollowItsRedirectEither() throws Exception {
    try (HostileHttpServer configured = new HostileHttpServer(); HostileHttpServer second = new HostileHttpServer()) {
      second.handle("/", TransportPolicyTest::challengeOrRecord);
      String location = second.url("/env.git/info/refs?service=git-upload-pack").toString();
      configured.handle("/env.git/info/refs", ex -> {
        if (ex.getRequestHeaders().getFirst("Authorization") == null) {
          ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
          ex.sendResponseHeaders(401, -1);
        } else {
          ex.getResponseHeaders().add("Location", location);
          ex.sendResponseHeaders(302, -1);
        }
        ex.close();
      });
      RemoteSpec spec = new RemoteSpec(configured.url("/env.git").toString(), "main",
          GitCredentials.userPassword("ferry", SECRET));

      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add))
          .isInstanceOf(InputException.class).hasMessageContaining("answered with a redirect");

      assertThat(configured.authorizations).anyMatch(a -> a.startsWith("Basic "));
      assertThat(second.authorizations).allMatch(a -> a.equals("(none)"));
    }
  }

  /** A JDK HTTPS server on loopback whose certificate no trust store knows; counts its requests. */
  record SelfSigned(HttpsServer server, AtomicInteger requests) implements AutoCloseable {
    static SelfSigned start(Path dir) throws Exception {
      Path store = dir.resolve("server.p12");
      Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
          "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
          "-alias", "git", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2")
          .redirectErrorStream(true).start();
      assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      try (FileInputStream in = new FileInputStream(store.toFile())) {
        ks.load(in, "changeit".toCharArray());
      }
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(ks, "changeit".toCharArray());
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(kmf.getKeyManagers(), null, null);
      HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(ssl));
      AtomicInteger requests = new AtomicInteger();
      server.createContext("/", ex -> {
        requests.incrementAndGet();
        ex.sendResponseHeaders(404, -1);
        ex.close();
      });
      server.start();
      return new SelfSigned(server, requests);
    }

    String url() {
      return "https://127.0.0.1:" + server.getAddress().getPort() + "/env.git";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  @Test
  void anUntrustedCertificateIsBadInputSaidPlainlyAndNotRetried() throws Exception {
    try (SelfSigned https = SelfSigned.start(tmp)) {
      RemoteSpec spec = new RemoteSpec(https.url(), "main", GitCredentials.userPassword("ferry", SECRET));
      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add))
          .isInstanceOfSatisfying(InputException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(2);
            assertThat(e.getMessage()).startsWith("cannot connect securely to " + https.url()
                + ": its certificate is not signed by a certificate authority Java trusts");
            assertThat(e.suggestion().orElseThrow()).contains("javax.net.ssl.trustStore").contains("does not retry");
          });
      assertThat(events).noneMatch(e -> e.message().toLowerCase().contains("retry")
          || e.message().toLowerCase().contains("attempt"));
      assertThat(https.requests().get()).isZero();
    }
  }

  @Test
  void sslVerifyFalseWrittenIntoTheMirrorsConfigIsIgnored() throws Exception {
    try (SelfSigned https = SelfSigned.start(tmp)) {
      RemoteSpec spec = new RemoteSpec(https.url(), "main", GitCredentials.none());
      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add)).isInstanceOf(InputException.class);
      Path config;
      try (Stream<Path> files = Files.walk(tmp.resolve("cache"))) {
        config = files.filter(p -> p.getFileName().toString().equals("config")).findFirst().orElseThrow();
      }
      Files.writeString(config, Files.readString(config)
          + "[http]\n\tsslVerify = false\n[http \"" + https.url() + "\"]\n\tsslVerify = false\n");

      assertThatThrownBy(() -> EnvRepo.open(spec, tmp.resolve("cache"), events::add))
          .isInstanceOf(InputException.class)
          .hasMessageStartingWith("cannot connect securely to " + https.url());
      assertThat(https.requests().get()).as("no request got through the TLS check").isZero();
    }
  }
}
