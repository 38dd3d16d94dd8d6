package dev.ferry.core.git;

/**
 * How one push attempt ended, when it did not end on a refusal (which throws).
 *
 * @param kind what happened
 * @param problem for {@link Kind#NETWORK}, what the server or the network said (no secrets); else ""
 */
record PushVerdict(Kind kind, String problem) {

  enum Kind {
    /** Every update landed. */
    DONE,
    /** A ref was not where it was expected: another writer pushed first. */
    MOVED,
    /** The server did not answer or did not report the result. */
    NETWORK,
    /** Not pushed: queued, and other promoters are pushing, so one of them is likely to carry it. */
    QUEUED
  }

  static final PushVerdict DONE = new PushVerdict(Kind.DONE, "");
  static final PushVerdict MOVED = new PushVerdict(Kind.MOVED, "");
  static final PushVerdict QUEUED = new PushVerdict(Kind.QUEUED, "");

  static PushVerdict network(String problem) {
    return new PushVerdict(Kind.NETWORK, problem == null ? "" : problem);
  }

  boolean done() {
    return kind == Kind.DONE;
  }

  /** What to tell the user when retries give up after this verdict. */
  String lastProblem() {
    return kind == Kind.MOVED ? "the branch kept moving (another promoter pushed first)" : problem;
  }
}
