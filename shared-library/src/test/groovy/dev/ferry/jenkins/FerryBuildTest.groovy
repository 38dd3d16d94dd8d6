package dev.ferry.jenkins

import org.junit.Test

class FerryBuildTest extends FerryStepTestCase {

  @Test
  void buildsTheImageAndReturnsItsDigest() {
    // given
    respond('build', 0, [image: 'registry.example.com/shop/web:42', digest: 'sha256:' + 'a' * 64, size: 1234])
    // when
    Map result = runStep('ferryBuild', [context: 'web', image: 'registry.example.com/shop/web:42', builder: 'buildah'])
    // then
    assert argsOf('build') == ['build', '--json', '--context', 'web', '--image', 'registry.example.com/shop/web:42',
                               '--builder', 'buildah']
    assert result.digest == 'sha256:' + 'a' * 64
  }

  @Test
  void theImageIsRequired() {
    // when
    PipelineError e = failStep('ferryBuild', [context: 'web'])
    // then
    assert e.message == "ferryBuild: 'image' is required"
    assert ferryCalls.isEmpty()
  }

  @Test
  void aFailedBuildFailsTheStepWithFerrysMessage() {
    // given
    respond('build', 3, [error: [message: 'buildah exited with 125: no space left on device', exitCode: 3]])
    // when
    PipelineError e = failStep('ferryBuild', [context: 'web', image: 'registry.example.com/shop/web:42'])
    // then
    assert e.message == 'ferry build an outside system failed (exit 3): buildah exited with 125: no space left on device'
  }
}
