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
    respond('environments', 0, [environments: [
        [name: 'dev', after: null, approval: false, approvers: [], gates: 0, rollback: 'auto', mode: 'direct'],
        [name: 'staging', after: 'dev', approval: false, approvers: [], gates: 2, rollback: 'auto', mode: 'direct'],
        [name: 'prod', after: 'staging', approval: true, approvers: ['alice', 'bob'], gates: 1, rollback: 'manual',
         mode: 'pull-request']]])
    respond('build', 0, [image: BUILT, digest: DIGEST, size: 1000])
    respond('scan', 0, [passed: true, failOn: 'HIGH', blocking: [], counts: [:]])
    respond('test-image', 0, [passed: true])
    respond('promote') { List argv -> [exit: 0, json: [environment: option(argv, '--to'), commit: 'c1', noop: false]] }
    respond('rollback', 0, [environment: 'staging', commit: 'r1'])
  }

  void gatesPass() {
    respond('verify') { List argv -> [exit: 0, json: [environment: option(argv, '--env'), passed: true, outcomes: []]] }
  }

  public static final Map SERVICES = [web: [context: 'web', image: BUILT, testSpec: 'web/image-test.yaml']]

  List<String> promotedTo() {
    ferryCalls.findAll { it.args[0] == 'promote' }.collect { option(it.args, '--to') }
  }

  @Test
  void buildsScansTestsAndPromotesThroughEveryEnvironmentInOrder() {
    // given
    gatesPass()
    // when
    Map result = runStep('ferryPipeline', [services: SERVICES, scanPolicy: 'scan-policy.yaml'])
    // then
    assert stages == ['Build', 'Scan', 'Test', 'Promote to dev', 'Verify dev', 'Promote to staging', 'Verify staging',
                      'Promote to prod', 'Verify prod']
    assert ferryCalls*.args*.getAt(0) == ['build', 'scan', 'test-image', 'environments', 'promote', 'verify', 'promote',
                                          'verify', 'promote', 'verify']
    assert argsOf('scan')[2..3] == ['--image', "${BUILT}@${DIGEST}".toString()]
    assert argsOf('promote').last() == "web=${BUILT}@${DIGEST}".toString()
    assert promotedTo() == ['dev', 'staging', 'prod']
    assert result.environments == ['dev', 'staging', 'prod']
    assert result.images == [web: "${BUILT}@${DIGEST}".toString()]
  }

  @Test
  void asksForApprovalOnlyBeforeTheEnvironmentThatRequiresItAndNamesTheApprover() {
    // given
    gatesPass()
    List<Map> asked = []
    inputAnswer = { Map request -> asked << request; 'bob' }
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2']])
    // then
    assert asked*.message == ['Promote web 1.4.2 to prod?']
    assert asked[0].submitter == 'alice,bob'
    Map prod = ferryCalls.find { it.args[0] == 'promote' && it.args.contains('--to=prod') }
    assert prod.args.contains('--approved-by=bob')
    assert !ferryCalls.any { it.args[0] == 'build' }
  }

  @Test
  void aRefusedApprovalStopsBeforeProdWithoutFailing() {
    // given
    gatesPass()
    inputAnswer = { Map request -> throw new FlowInterrupted('aborted') }
    // when
    Map result = runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert promotedTo() == ['dev', 'staging']
    assert result.stopped == 'prod: promotion not approved'
    assert currentBuild().result == 'ABORTED'
    assert !stages.contains('Verify prod')
  }

  @Test
  void aFailedGateStopsThePromotionAndLeavesTheRollbackToFerry() {
    // given: verify failed and rolled nothing back (the image passed before, or rollback: manual)
    gatesPass()
    respond('verify', 1, [environment: 'staging', passed: false, rollbacks: [],
                          outcomes: [[gate: 'prometheus error-rate', status: 'FAILED', reason: 'error rate 0.07 above 0.01']]])
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert promotedTo() == ['dev', 'staging']
    assert !ferryCalls.any { it.args[0] == 'rollback' }
    assert !stages.any { it.startsWith('Roll back') }
    assert e.message == 'staging: gate prometheus error-rate failed: error rate 0.07 above 0.01'
    assert currentBuild().description == e.message
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void aGateThatFerryRolledBackIsReportedAndNotRolledBackTwice() {
    // given
    gatesPass()
    respond('verify', 1, [environment: 'staging', passed: false, commit: 'c1', images: [web: 'web:1.4.2'],
                          outcomes: [[gate: 'k8s web', status: 'FAILED', reason: 'CrashLoopBackOff']],
                          rollbacks: [[id: 'rb-1', environment: 'staging', service: 'web', blocked: 'web:1.4.2',
                                       restored: 'web:1.4.1', commit: 'r2', noop: false, reason: 'gate k8s web failed']]])
    // when
    PipelineError e = failStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false])
    // then
    assert !ferryCalls.any { it.args[0] == 'rollback' }
    assert e.message == 'staging: gate k8s web failed: CrashLoopBackOff; rolled back'
  }

  @Test
  void stopsAtTheEnvironmentNamedInTo() {
    // given
    gatesPass()
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
    // given
    gatesPass()
    // when
    runStep('ferryPipeline', [services: [web: 'registry.example.com/shop/web:1.4.2'], scan: false, to: 'staging',
                              credentials: [[usernamePassword: 'env-repo', usernameVariable: 'GIT_USER', passwordVariable: 'GIT_TOKEN']]])
    // then
    assert ferryCalls.every { it.env.GIT_TOKEN == GIT_TOKEN && !it.args.any { a -> a.contains(GIT_TOKEN) } }
  }
}
