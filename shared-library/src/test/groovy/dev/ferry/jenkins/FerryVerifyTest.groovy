package dev.ferry.jenkins

import java.nio.file.Files
import org.junit.Test

class FerryVerifyTest extends FerryStepTestCase {

  void respondWritingJunit(int exit, Map json) {
    respond('verify') { List argv ->
      def file = workspace.resolve(argv[argv.indexOf('--junit') + 1])
      Files.createDirectories(file.parent)
      file.text = '<testsuite name="gates"/>'
      [exit: exit, json: json]
    }
  }

  @Test
  void verifiesTheEnvironmentAndRecordsTheGateReport() {
    // given
    respondWritingJunit(0, [environment: 'staging', passed: true,
                            outcomes: [[gate: 'argocd shop-staging', status: 'PASSED', reason: 'healthy']]])
    // when
    Map result = runStep('ferryVerify', [env: 'staging', services: ['web', 'api'], timeout: '15m'])
    // then
    assert argsOf('verify') == ['verify', '-c', 'ferry.yaml', '--env', 'staging', 'web', 'api', '--timeout', '15m',
                                '--junit', 'ferry-reports/verify-staging-junit.xml', '--json']
    assert result.passed
    assert calls('junit')[0].args[0].testResults == 'ferry-reports/verify-staging-junit.xml'
    assert calls('archiveArtifacts')[0].args[0].artifacts == 'ferry-reports/verify-staging-junit.xml'
  }

  @Test
  void aRollbackThatDidNotLandIsNamedInTheFailure() {
    // given: a gate failed and ferry could not write the rollback (exit 3)
    respondWritingJunit(3, [environment: 'staging', passed: false, rollbacks: [],
                            rollbackErrors: ['web: env.git refused the push (protected branch)'],
                            outcomes: [[gate: 'http web', status: 'FAILED', reason: 'HTTP 503']]])
    // when
    PipelineError e = failStep('ferryVerify', [env: 'staging'])
    // then
    assert e.message == 'staging: gate http web failed: HTTP 503; could not roll back web: env.git refused the push (protected branch)'
    assert currentBuild().description == e.message
    assert currentBuild().result == 'FAILURE'
  }

  @Test
  void aFailedGateFailsTheBuildWithItsReasonInTheLogAndDescription() {
    // given
    respondWritingJunit(1, [environment: 'staging', passed: false, outcomes: [
        [gate: 'http https://shop-staging.example.com/healthz', status: 'FAILED', reason: 'HTTP 503 three times'],
        [gate: 'argocd shop-staging', status: 'ERRORED', reason: 'server did not answer for 5m']]])
    // when
    PipelineError e = failStep('ferryVerify', [env: 'staging'])
    // then
    String reason = 'staging: gate http https://shop-staging.example.com/healthz failed: HTTP 503 three times; ' +
        'gate argocd shop-staging errored: server did not answer for 5m'
    assert e.message == reason
    assert log.contains(reason)
    assert currentBuild().description == reason
    assert calls('junit').size() == 1
  }

  @Test
  void aFailedGateCanBeReturnedToTheCallerWhoRollsBack() {
    // given
    respondWritingJunit(1, [environment: 'staging', passed: false,
                            outcomes: [[gate: 'k8s web', status: 'FAILED', reason: 'CrashLoopBackOff']]])
    // when
    Map result = runStep('ferryVerify', [env: 'staging', failOnGate: false])
    // then
    assert !result.passed
    assert currentBuild().result == 'FAILURE'
    assert currentBuild().description == 'staging: gate k8s web failed: CrashLoopBackOff'
  }

  @Test
  void theEnvironmentIsRequired() {
    // when
    PipelineError e = failStep('ferryVerify', [services: ['web']])
    // then
    assert e.message == "ferryVerify: 'env' is required"
  }
}
