package dev.ferry.jenkins

import org.junit.Before
import org.junit.Test

class FerryPipelineTest extends FerryStepTestCase {

  public static final String DIGEST = 'sha256:' + 'd' * 64
  public static final String BUILT = 'registry.example.com/shop/web:42'

  List<String> stages = []

  @Before
  void givenThreeEnvironmentsWithApprovalBeforeProd() {
    helper.registerAllowedMethod('stage', [String, Closure]) { String name, Closure body ->
      stages << name
      helper.callClosure(body)
    }
    // what the real CLI printed (docs/json/, written by JsonSamplesTest): dev, staging, prod with approvers
    respond('environments', sampleExit('environments'), sample('environments'))
    respond('build', 0, [image: BUILT, digest: DIGEST, size: 1000])
    respond('scan', sampleExit('scan-passed'), sample('scan-passed'))
    respond('test-image', 0, [passed: true])
    gatesPassEverywhere()
  }

  /** promote --verify answers as the CLI does when the gates passed, for the environment asked. */
  void gatesPassEverywhere() {
    respond('promote') { List argv -> [exit: sampleExit('promote-verify-passed'),
                                       json: sample('promote-verify-passed') + [environment: option(argv, '--to')]] }
  }

  /** promote --verify to `failing` answers as the CLI does when a gate failed there. */
  void gateFailsIn(String failing, boolean rolledBack) {
    responses.remove('promote')
    respond('promote') { List argv ->
      String to = option(argv, '--to')
      if (to != failing) {
        return [exit: sampleExit('promote-verify-passed'), json: sample('promote-verify-passed') + [environment: to]]
      }
      Map failed = sample('promote-verify-failed') + [environment: to]
      if (!rolledBack) {
        failed.rollbacks = []
      }
      [exit: sampleExit('promote-verify-failed'), json: failed]
    }
  }

  static String failedGateText() {
    Map outcome = sample('promote-verify-failed').outcomes[0] as Map
    "gate ${outcome.gate} failed: ${outcome.reason}".toString()
  }

  public static final Map SERVICES = [web: [context: 'web', image: BUILT, testSpec: 'web/image-test.yaml']]

  List<String> promotedTo() {
    ferryCalls.findAll { it.args[0] == 'promote' }.collect { option(it.args, '--to') }
  }

  @Test
  void buildsScansTestsAndPromotesWithVerifyThroughEveryEnvironmentInOrder() {
    // when
    Map result = runStep('ferryPipeline', [services: SERVICES, scanPolicy: 'scan-policy.yaml'])
    // then: one ferry run per environment, promote --verify; never a second verify run
    assert stages == ['Build', 'Scan', 'Test', 'Promote to dev', 'Promote to staging', 'Promote to prod']
    assert ferryCalls*.args*.getAt(0) == ['build', 'scan', 'test-image', 'environments', 'promote', 'promote', 'promote']
    assert ferryCalls.findAll { it.args[0] == 'promote' }.every { it.args.contains('--verify') }
    assert argsOf('scan')[2..3] == ['--image', "${BUILT}@${DIGEST}".toString()]
    assert argsOf('promote').last() == "web=${BUILT}@${DIGEST}".toString()
    assert promotedTo() == ['dev', 'staging', 'prod']
    assert result.environments == ['dev', 'staging', 'prod']
    assert result.images == [web: "${BUILT}@${DIGEST}".toString()]
  }

  @Test
  void theVerifyTimeoutBoundsTheGatesOfEachPromotion() {
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false, to: 'staging',
                              verifyTimeout: '15m'])
    // then
    assert ferryCalls.findAll { it.args[0] == 'promote' }.every { it.args.contains('--timeout=15m') }
    assert !ferryCalls.any { it.args[0] == 'verify' }
  }

  @Test
  void asksForApprovalOnlyBeforeTheEnvironmentThatRequiresItAndNamesTheApprover() {
    // given
    List<Map> asked = []
    inputAnswer = { Map request -> asked << request; 'bob' }
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2']])
    // then: the approvers come from ferry environments (the sample's prod names alice and bob)
    assert asked*.message == ['Promote web 1.4.2 to prod?']
    assert asked[0].submitter == 'alice,bob'
    Map prod = ferryCalls.find { it.args[0] == 'promote' && it.args.contains('--to=prod') }
    assert prod.args.containsAll(['--verify', '--approved-by=bob', '--approval-source=jenkins-input'])
    assert !ferryCalls.any { it.args[0] == 'build' }
  }

  @Test
  void aRefusedApprovalStopsBeforeProdWithoutFailing() {
    // given
    inputAnswer = { Map request -> throw new FlowInterrupted('aborted') }
    // when
    Map result = runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert promotedTo() == ['dev', 'staging']
    assert result.stopped == 'prod: promotion not approved'
    assert currentBuild().result == 'ABORTED'
  }

  @Test
  void aFailedGateStopsThePromotionAndLeavesTheRollbackToFerry() {
    // given: the gate failed and nothing was rolled back (the image passed before, or rollback: manual)
    gateFailsIn('staging', false)
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert promotedTo() == ['dev', 'staging']
    assert !ferryCalls.any { it.args[0] == 'rollback' || it.args[0] == 'verify' }
    assert !stages.any { it.startsWith('Roll back') }
    assert e.message == "staging: ${failedGateText()}".toString()
    assert currentBuild().description == e.message
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void aGateThatFerryRolledBackIsReportedAndNotRolledBackTwice() {
    // given
    gateFailsIn('staging', true)
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert !ferryCalls.any { it.args[0] == 'rollback' }
    assert e.message == "staging: ${failedGateText()}; rolled back".toString()
    assert !stages.contains('Promote to prod')
  }

  @Test
  void stopsAtTheEnvironmentNamedInTo() {
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false, to: 'staging'])
    // then
    assert promotedTo() == ['dev', 'staging']
    assert calls('input').isEmpty()
  }

  @Test
  void anUnknownTargetEnvironmentIsRefusedNamingTheEnvironments() {
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], to: 'production'])
    // then
    assert e.message == "ferryPipeline: 'to: production' is not an environment of ferry.yaml; environments: dev, staging, prod"
    assert promotedTo().isEmpty()
  }

  @Test
  void unknownServiceKeysAreRefused() {
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: [image: BUILT, dockerfile: 'Dockerfile']]])
    // then
    assert e.message == "ferryPipeline: service web: unknown keys 'dockerfile'; valid keys: image, context, testSpec"
    assert ferryCalls.isEmpty()
  }

  @Test
  void credentialsReachEveryFerryCallAsEnvironment() {
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false, to: 'staging',
                              credentials: [[usernamePassword: 'env-repo', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']]])
    // then
    assert ferryCalls.every { it.env.GIT_TOKEN == GIT_TOKEN && !it.args.any { a -> a.contains(GIT_TOKEN) } }
  }
}
