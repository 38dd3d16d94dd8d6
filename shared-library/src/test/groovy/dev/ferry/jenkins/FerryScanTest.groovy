package dev.ferry.jenkins

import java.nio.file.Files
import org.junit.Test

class FerryScanTest extends FerryStepTestCase {

  /** ferry scan's answer from docs/json/ (what the real CLI printed for a Trivy report), with its reports written. */
  void respondWritingReports(String sampleName) {
    respondWritingReports(sampleExit(sampleName), sample(sampleName))
  }

  void respondWritingReports(int exit, Map json) {
    respond('scan') { List argv ->
      ['--sarif', '--junit'].each { flag ->
        def file = workspace.resolve(argv[argv.indexOf(flag) + 1])
        Files.createDirectories(file.parent)
        file.text = flag == '--sarif' ? '{"version":"2.1.0"}' : '<testsuite/>'
      }
      [exit: exit, json: json]
    }
  }

  @Test
  void scansTheImageWritingReportsThatAreArchivedAndRecorded() {
    // given
    respondWritingReports('scan-passed')
    // when
    Map result = runStep('ferryScan', [image: 'registry.example.com/shop/web:1.4.2', policy: 'scan-policy.yaml'])
    // then
    assert argsOf('scan') == ['scan', '--json', '--image', 'registry.example.com/shop/web:1.4.2', '--policy', 'scan-policy.yaml',
                              '--sarif', 'ferry-reports/scan.sarif', '--junit', 'ferry-reports/scan-junit.xml']
    assert calls('archiveArtifacts')[0].args[0].artifacts == 'ferry-reports/scan.sarif,ferry-reports/scan-junit.xml'
    assert calls('junit')[0].args[0].testResults == 'ferry-reports/scan-junit.xml'
    assert result.passed == true
    assert result.counts == sample('scan-passed').counts
  }

  @Test
  void blockingFindingsFailTheBuildAfterTheReportsAreArchived() {
    // given
    respondWritingReports('scan-blocked')
    // when
    PipelineError e = failStep('ferryScan', [image: 'registry.example.com/shop/web:1.4.2'])
    // then
    assert e.message == 'ferry scan blocked registry.example.com/shop/web:1.4.2: 1 blocking findings'
    assert currentBuild().description == e.message
    assert calls('archiveArtifacts').size() == 1
    assert calls('junit').size() == 1
  }

  @Test
  void blockingFindingsCanBeReportedWithoutFailing() {
    // given
    respondWritingReports('scan-blocked')
    // when
    Map result = runStep('ferryScan', [report: 'trivy.json', failOnBlocked: false])
    // then
    assert argsOf('scan')[2..3] == ['--report', 'trivy.json']
    assert result.passed == false
    assert result.blocking*.id == ['CVE-2024-5535']
  }

  @Test
  void exactlyOneOfImageOrReportIsRequired() {
    // when
    PipelineError e = failStep('ferryScan', [image: 'a', report: 'b'])
    // then
    assert e.message == "ferryScan: give exactly one of 'image' or 'report'"
  }
}
