/**
 * Checks an environment's health gates with `ferry verify`; archives and records the JUnit
 * report; a failed gate fails the build with the gate's reason in the log and the build
 * description.
 *
 *   ferryVerify(env: 'staging', timeout: '15m')
 *
 * With failOnGate: false a failed gate returns ferry's result (passed: false) instead, so the
 * caller can finish its own stage first; the build is still marked FAILURE. With rollback: auto,
 * ferry has rolled the new version back by then (the result's rollbacks).
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryVerify', config, ['config', 'env', 'services', 'timeout', 'junit', 'failOnGate', 'credentials'])
  ferryCli.requireKeys('ferryVerify', config, ['env'])
  String junitFile = config.junit ?: "ferry-reports/verify-${config.env}-junit.xml"
  List services = []
  if (config.services) {
    List given = config.services instanceof Collection ? config.services as List : [config.services]
    for (int i = 0; i < given.size(); i++) {
      services.add(ferryCli.serviceName('ferryVerify', given[i]))
    }
  }
  List args = ['verify', "--config=${config.config ?: 'ferry.yaml'}".toString(), "--env=${config.env}".toString()]
  if (config.timeout) {
    args.add("--timeout=${config.timeout}".toString())
  }
  args.add("--junit=${junitFile}".toString())
  args.add('--')
  args.addAll(services)
  Map result = ferryCli.run(args, config.credentials as List)
  ferryCli.recordReports([junitFile], junitFile)
  Map verification = verificationOf(result.json)
  // exit 1: a gate failed; exit 3 with a failed verification: a rollback that was due did not land
  if (verification != null && verification.passed == false && (result.exitCode == 1 || result.exitCode == 3)) {
    String message = failureMessage(config.env as String, verification, rolledBackOf(result.json))
    echo(message)
    currentBuild.description = ferryCli.markup(message)
    currentBuild.result = 'FAILURE'
    if (config.failOnGate != false) {
      error(message)
    }
    Map json = result.json
    json.passed = false
    return json
  }
  if (result.exitCode != 0) {
    error(ferryCli.describeFailure(result))
  }
  Map json = result.json ?: [:]
  json.passed = true
  return json
}

/** The verification's fields, which verify and promote --verify print flat (docs/json.md); null without them. */
@NonCPS
Map verificationOf(Map json) {
  return json == null || json.error || json.outcomes == null ? null : json
}

/** Whether ferry rolled back already: the result lists its rollbacks. */
@NonCPS
boolean rolledBackOf(Map json) {
  return json != null && json.rollbacks instanceof List && !(json.rollbacks as List).isEmpty()
}

/**
 * "staging: gate argocd failed: app shop-staging is Degraded; rolled back", and what could not be
 * rolled back ("; could not roll back web: ...").
 */
@NonCPS
String failureMessage(String environment, Map verification, Boolean rolledBack) {
  List reasons = []
  for (Object o : (verification.outcomes ?: [])) {
    Map outcome = o as Map
    if (outcome.status != 'PASSED') {
      reasons.add("gate ${ferryCli.inert(outcome.gate)} ${ferryCli.inert(String.valueOf(outcome.status).toLowerCase())}: ${ferryCli.inert(outcome.reason)}".toString())
    }
  }
  String text = "${ferryCli.inert(environment)}: ${reasons ? reasons.join('; ') : 'verification failed'}"
  if (rolledBack) {
    text = "${text}; rolled back"
  }
  List errors = verification.rollbackErrors instanceof List ? verification.rollbackErrors as List : []
  return errors ? "${text}; could not roll back ${ferryCli.inert(errors.join('; '))}".toString() : text
}
