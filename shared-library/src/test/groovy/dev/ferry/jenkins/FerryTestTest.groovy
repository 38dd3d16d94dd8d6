package dev.ferry.jenkins

import org.junit.Test

class FerryTestTest extends FerryStepTestCase {

  @Test
  void testsTheImageAgainstTheSpec() {
    // given
    respond('test-image', 0, [passed: true, tests: 4, failures: 0])
    // when
    Map result = runStep('ferryTest', [image: 'registry.example.com/shop/web:1.4.2', spec: 'web/image-test.yaml'])
    // then
    assert argsOf('test-image') == ['test-image', '--json', '--image', 'registry.example.com/shop/web:1.4.2', '--spec',
                                    'web/image-test.yaml', '--junit', 'ferry-reports/test-image-junit.xml']
    assert result.passed
  }

  @Test
  void aFailedImageTestFailsTheBuild() {
    // given
    respond('test-image', 1, [error: [message: 'file /app/web is missing', exitCode: 1]])
    // when
    PipelineError e = failStep('ferryTest', [image: 'registry.example.com/shop/web:1.4.2', spec: 'spec.yaml'])
    // then
    assert e.message == 'ferry test-image refused (exit 1): file /app/web is missing'
    assert currentBuild().description == 'image test failed: registry.example.com/shop/web:1.4.2'
  }

  @Test
  void theSpecIsRequired() {
    // when
    PipelineError e = failStep('ferryTest', [image: 'registry.example.com/shop/web:1.4.2'])
    // then
    assert e.message == "ferryTest: 'spec' is required"
  }
}
