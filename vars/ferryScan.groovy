/**
 * Scans an image (or reads a scanner report) with `ferry scan`, archives the SARIF and JUnit
 * reports, records the JUnit report, and fails the build when the policy blocks the image.
 *
 *   ferryScan(image: 'registry.example.com/shop/web:1.4.2', policy: 'scan-policy.yaml')
 */
def call(Map config = [:]) {
  ferryCli.checkKeys('ferryScan', config,
      ['image', 'report', 'policy', 'sarif', 'junit', 'markdown', 'failOnBlocked', 'credentials'])
  if (!config.image == !config.report) {
    error("ferryScan: give exactly one of 'image' or 'report'")
  }
  String sarif = config.sarif ?: 'ferry-reports/scan.sarif'
  String junitFile = config.junit ?: 'ferry-reports/scan-junit.xml'
  List args = ['scan']
  args.addAll(config.image ? ['--image', config.image] : ['--report', config.report])
  if (config.policy) {
    args.addAll(['--policy', config.policy])
  }
  args.addAll(['--sarif', sarif, '--junit', junitFile])
  if (config.markdown) {
    args.addAll(['--markdown', config.markdown])
  }
  Map result = ferryCli.run(args, config.credentials as List)
  ferryCli.recordReports([sarif, junitFile, config.markdown], junitFile)
  boolean blocked = result.exitCode == 1 && result.json != null && !result.json.error &&
      result.json.passed == false
  if (blocked && config.failOnBlocked != false) {
    String message = "ferry scan blocked ${config.image ?: config.report}: ${result.json.blocking?.size() ?: 0} blocking findings"
    currentBuild.description = message
    error(message)
  }
  if (result.exitCode != 0 && !blocked) {
    error(ferryCli.describeFailure(result))
  }
  return result.json
}
