package dev.ferry.core.git;

import dev.ferry.core.InputException;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;
import org.eclipse.jgit.errors.UnsupportedCredentialItem;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;

/**
 * What Ferry decides about a git transport itself, whatever the mirror's {@code config} says:
 * the cache folder is shared on a CI agent, and a {@code http.sslVerify false} written into a
 * mirror's config must not turn certificate checks off. Also: credentials go only to the origin
 * (scheme, host and port) of the configured URL, never to where a redirect points; and a TLS trust
 * failure is reported as what it is, bad input that retrying does not fix.
 *
 * <pre>{@code
 * TransportPolicy.enforce(repo.getConfig());
 * transport.setCredentialsProvider(TransportPolicy.credentials(uri, user, secret));
 * }</pre>
 */
final class TransportPolicy {

  /** Sections of a repository's config that steer the transport or name credentials. */
  private static final Set<String> TRANSPORT_SECTIONS = Set.of("http", "https", "credential", "url");

  private TransportPolicy() {
  }

  /**
   * Replaces, in memory, the mirror's transport and credential settings with Ferry's: certificates
   * verified, no URL rewriting, no credential helpers; redirects followed for the first request
   * only (as git does) when no credentials go with it, and not at all when they do: JGit sends
   * credentials it has used once again, without asking, to the host a redirect names, whatever
   * its port. Called before every transport is opened, since JGit reloads the file when it changes.
   */
  static void enforce(StoredConfig config, boolean withCredentials) {
    for (String section : Set.copyOf(config.getSections())) {
      if (TRANSPORT_SECTIONS.contains(section.toLowerCase(Locale.ROOT))) {
        config.unsetSection(section, null);
        for (String sub : Set.copyOf(config.getSubsections(section))) {
          config.unsetSection(section, sub);
        }
      }
    }
    config.unset("core", null, "sshCommand");
    config.unset("core", null, "askPass");
    config.setBoolean("http", null, "sslVerify", true);
    config.setString("http", null, "followRedirects", withCredentials ? "false" : "initial");
  }

  /**
   * A provider that gives {@code user} and {@code secret} only for {@code configured}'s origin and
   * answers no question about trusting a certificate: JGit asks its provider again for the URL a
   * redirect points to.
   */
  static CredentialsProvider credentials(URIish configured, String user, String secret) {
    return new CredentialsProvider() {
      @Override
      public boolean isInteractive() {
        return false;
      }

      @Override
      public boolean supports(CredentialItem... items) {
        for (CredentialItem i : items) {
          if (!(i instanceof CredentialItem.Username) && !(i instanceof CredentialItem.Password)) {
            return false;
          }
        }
        return true;
      }

      @Override
      public boolean get(URIish uri, CredentialItem... items) throws UnsupportedCredentialItem {
        if (!sameOrigin(configured, uri)) {
          return false; // a redirect to another host or port: it gets nothing
        }
        for (CredentialItem i : items) {
          if (i instanceof CredentialItem.Username u) {
            u.setValue(user);
          } else if (i instanceof CredentialItem.Password p) {
            p.setValue(secret.toCharArray());
          } else {
            // a certificate question ("trust now?", "skip verification?") is always no
            return false;
          }
        }
        return true;
      }
    };
  }

  static boolean sameOrigin(URIish a, URIish b) {
    return scheme(a).equals(scheme(b)) && host(a).equals(host(b)) && port(a) == port(b);
  }

  /**
   * The user's error when {@code e} is a transport failure that Ferry's policy explains and that
   * retrying does not fix (a TLS failure, a redirect not followed), else null.
   */
  static InputException problem(IOException e, String shownUrl, String message) {
    if (shownUrl.startsWith("https://")) {
      InputException tls = tlsProblem(e, shownUrl, message);
      if (tls != null) {
        return tls;
      }
    }
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("followRedirects")) {
        return new InputException(shownUrl + " answered with a redirect; Ferry sends the credentials only to"
            + " the configured scheme, host and port and does not follow redirects with them", null,
            "set the repository's url in ferry.yaml to the address the server redirects to", e);
      }
    }
    return null;
  }

  /**
   * The user's error when {@code e} is a TLS failure (an untrusted or expired certificate, a host
   * name that does not match), else null.
   */
  static InputException tlsProblem(IOException e, String shownUrl, String message) {
    String chain = "";
    boolean tls = false;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage();
      chain = m.isEmpty() ? chain : m;
      if (t instanceof SSLException || t instanceof java.security.cert.CertificateException
          || t instanceof java.security.cert.CertPathValidatorException) {
        tls = true;
      }
      if (m.contains("SSL problems") || m.contains("PKIX path") || m.contains("unable to find valid certification path")
          || m.contains("No subject alternative") || m.contains("certificate")) {
        tls = true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (!tls) {
      return null;
    }
    String why = chain.contains("PKIX") || chain.contains("certification path")
        ? "its certificate is not signed by a certificate authority Java trusts"
        : chain.contains("subject alternative") || chain.contains("No name matching")
            ? "its certificate is not for this host name"
            : chain.contains("expired") || chain.contains("NotAfter") ? "its certificate has expired"
                : "the TLS handshake failed";
    return new InputException("cannot connect securely to " + shownUrl + ": " + why + " (" + message + ")",
        null, "Ferry verifies certificates and does not retry: fix the server's certificate, or add its"
            + " certificate authority to a trust store and pass it to Java"
            + " (JAVA_TOOL_OPTIONS=-Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=...)", e);
  }

  private static String scheme(URIish u) {
    return u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
  }

  private static String host(URIish u) {
    return u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
  }

  private static int port(URIish u) {
    if (u.getPort() > 0) {
      return u.getPort();
    }
    return switch (scheme(u)) {
      case "https" -> 443;
      case "http" -> 80;
      case "ssh" -> 22;
      case "git" -> 9418;
      default -> -1;
    };
  }
}
