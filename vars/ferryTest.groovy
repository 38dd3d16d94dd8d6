/**
 * Tests an image against a spec with `ferry test-image`; the JUnit report is archived and recorded.
 *
 *   ferryTest(image: 'registry.example.com/shop/web:1.4.2', spec: 'web/image-test.yaml')
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryTest', config, ['image', 'spec', 'junit', 'credentials'])
  ferryCli.requireKeys('ferryTest', config, ['image', 'spec'])
  String junitFile = config.junit ?: 'ferry-reports/test-image-junit.xml'
  Map result = ferryCli.run(['test-image', '--image', config.image, '--spec', config.spec, '--junit', junitFile],
      config.credentials as List)
  ferryCli.recordReports([junitFile], junitFile)
  if (result.exitCode != 0) {
    String message = ferryCli.describeFailure(result)
    if (result.exitCode == 1) {
      currentBuild.description = "image test failed: ${config.image}"
    }
    error(message)
  }
  return result.json
}
