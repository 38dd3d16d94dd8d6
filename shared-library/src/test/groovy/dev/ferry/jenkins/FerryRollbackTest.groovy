package dev.ferry.jenkins

import org.junit.Test

class FerryRollbackTest extends FerryStepTestCase {

  @Test
  void rollsBackOneServiceWithItsReason() {
    // given
    respond('rollback', 0, [environment: 'staging', commit: 'abc123', services: ['web']])
    // when
    Map result = runStep('ferryRollback', [env: 'staging', service: 'web', reason: 'error rate above SLO'])
    // then
    assert argsOf('rollback') == ['rollback', '--json', '--config=ferry.yaml', '--env=staging',
                                  '--reason=error rate above SLO', '--', 'web']
    assert result.commit == 'abc123'
  }

  @Test
  void theServiceIsRequired() {
    // when
    PipelineError e = failStep('ferryRollback', [env: 'staging'])
    // then
    assert e.message == "ferryRollback: 'service' is required"
    assert ferryCalls.isEmpty()
  }
}
