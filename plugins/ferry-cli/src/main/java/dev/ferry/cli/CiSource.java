package dev.ferry.cli;

/** The URL of the CI build that runs Ferry, recorded as {@code Ferry-Source}. */
final class CiSource {

  private CiSource() {
  }

  /** The application commit being promoted: {@code GIT_COMMIT} (Jenkins) or {@code GITHUB_SHA} (Actions). */
  static String commit() {
    for (String name : new String[] {"GIT_COMMIT", "GITHUB_SHA"}) {
      String value = System.getenv(name);
      if (value != null && value.matches("[0-9a-fA-F]{7,64}")) {
        return value;
      }
    }
    return null;
  }

  static String buildUrl() {
    String jenkins = System.getenv("BUILD_URL");
    if (jenkins != null && !jenkins.isBlank()) {
      return jenkins;
    }
    String server = System.getenv("GITHUB_SERVER_URL");
    String repo = System.getenv("GITHUB_REPOSITORY");
    String run = System.getenv("GITHUB_RUN_ID");
    if (server != null && repo != null && run != null) {
      return server + "/" + repo + "/actions/runs/" + run;
    }
    return null;
  }
}
