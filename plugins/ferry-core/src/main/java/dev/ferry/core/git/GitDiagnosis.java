package dev.ferry.core.git;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;

/**
 * Turns what JGit throws into one Ferry error that says what happened and what to do: a wrong URL
 * or branch, refused credentials, an untrusted host key, a server that did not answer. Secrets and
 * the credential-bearing URL never reach the message. Changes when servers word their errors anew.
 *
 * <pre>{@code throw diagnosis.fetchFailure(e, () -> listRefs());}</pre>
 */
final class GitDiagnosis {

  /** Lists the server's refs, to name the branches when the configured one is missing. */
  @FunctionalInterface
  interface RefLister {
    Collection<Ref> refs() throws IOException;
  }

  /** An HTTP status 401 or 403 as a word: not the digits of a port (git://host:40357) or a hash. */
  private static final Pattern DENIED_STATUS = Pattern.compile("(?<![\\w:./-])40[13](?![\\w.:/-])");

  private final RemoteSpec remote;
  private final String transportUrl;
  private final String shownUrl;

  GitDiagnosis(RemoteSpec remote) {
    this.remote = remote;
    this.transportUrl = RemoteUrl.forTransport(remote.url());
    this.shownUrl = RemoteUrl.display(remote.url());
  }

  String shownUrl() {
    return shownUrl;
  }

  /** Why a fetch (or a push that could not even connect) failed. */
  FerryException fetchFailure(IOException e, RefLister lister) {
    FerryException credentials = credentialProblem(e);
    if (credentials != null) {
      return credentials;
    }
    String msg = scrub(e.getMessage());
    String lower = msg.toLowerCase(Locale.ROOT);
    if (e instanceof NoRemoteRepositoryException || lower.contains("not found") || lower.contains("not exported")
        || lower.contains("no such repository")
        || lower.contains("not a git repository") || lower.contains("does not appear to be a git repository")) {
      return new InputException(shownUrl + " is not a git repository (or does not exist): " + msg, null,
          "check the repository URL in ferry.yaml", null);
    }
    if (e instanceof NotSupportedException) {
      return new InputException("cannot reach " + shownUrl + ": " + msg, null,
          "use an https, http, ssh or git:// URL, or a local path", null);
    }
    if (lower.contains("remote does not have") && lower.contains(remote.branch())) {
      try {
        return unknownBranch(remote.branch(), lister.refs());
      } catch (IOException again) {
        // fall through to the generic message
      }
    }
    return new ExternalException("cannot fetch " + remote.branch() + " from " + shownUrl + ": " + msg,
        "check that the git server is up and reachable, then run the same command again", null);
  }

  InputException unknownBranch(String branch, Collection<Ref> refs) {
    List<String> known = refs.stream().map(Ref::getName).filter(n -> n.startsWith(Constants.R_HEADS))
        .map(n -> n.substring(Constants.R_HEADS.length())).sorted().limit(10).toList();
    return new InputException("branch '" + branch + "' does not exist in " + shownUrl
        + (known.isEmpty() ? " (the repository has no branches)" : " (branches: " + String.join(", ", known) + ")"),
        null, "create the branch in the environment repository or fix 'branch' in ferry.yaml", null);
  }

  /** A refused credential or an untrusted host key, or null when {@code e} is neither. */
  FerryException credentialProblem(IOException e) {
    String msg = scrub(e.getMessage());
    InputException policy = TransportPolicy.problem(e, shownUrl, msg);
    if (policy != null) {
      return policy;
    }
    // the URL says nothing about why: leave it out of what is matched
    String lower = msg.replace(shownUrl, "").toLowerCase(Locale.ROOT);
    if (e instanceof TransportException && (lower.contains("not authorized") || lower.contains("authentication")
        || lower.contains("auth fail") || DENIED_STATUS.matcher(lower).find()
        || lower.contains("no more authentication methods") || lower.contains("cannot log in") || lower.contains("permission denied")
        || lower.contains("credentialsprovider"))) {
      return new InputException(shownUrl + " refused the credentials (" + remote.credentials().source() + "): " + msg,
          null, "check the user name and token or the ssh key given in ferry.yaml's auth", null);
    }
    if (e instanceof TransportException && (lower.contains("host key") || lower.contains("server key") || lower.contains("known_hosts")
        || lower.contains("known hosts"))) {
      return new InputException("the ssh host key of " + shownUrl + " is not trusted: " + msg, null,
          "add the server's key to the known_hosts file given in ferry.yaml (or ~/.ssh/known_hosts)", null);
    }
    return null;
  }

  /** {@code text} without the secret and with the transport URL shown as the user wrote it. */
  String scrub(String text) {
    GitCredentials c = remote.credentials();
    String s = RemoteUrl.scrub(text, c.secret());
    if (!transportUrl.equals(shownUrl)) {
      s = s.replace(transportUrl, shownUrl);
    }
    return s;
  }

  FerryException readFailure(String commit, String path, IOException e) {
    return new ExternalException("cannot read " + path + " at " + abbrev(commit) + " of " + shownUrl + ": "
        + scrub(e.getMessage()), e);
  }

  static String abbrev(String id) {
    return id != null && id.length() > 12 ? id.substring(0, 12) : String.valueOf(id);
  }
}
