// Run by the root build after `mvn verify` of this sample (sample-projects/pom.xml, maven-invoker-plugin):
// the tests ran, all of them, and passed. A Surefire that finds no JUnit 5 test still says BUILD SUCCESS,
// so the count is read from its reports.
import javax.xml.parsers.DocumentBuilderFactory

def testcases = { suite -> def list = suite.getElementsByTagName('testcase'); (0..<list.length).collect { list.item(it) } }

def reports = new File(basedir, 'target/surefire-reports').listFiles()?.findAll { it.name ==~ /TEST-.*\.xml/ } ?: []
assert !reports.isEmpty() : 'no Surefire report: no test ran'
def suites = reports.collect { DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(it).documentElement }
def cases = suites.collectMany { s -> testcases(s).collect { c -> c.getAttribute('classname') + '.' + c.getAttribute('name') } }
int run = suites.sum { it.getAttribute('tests') as int }, failed = suites.sum { (it.getAttribute('failures') as int) + (it.getAttribute('errors') as int) }, skipped = suites.sum { it.getAttribute('skipped') as int }
assert run > 0 && failed == 0 && skipped == 0 : "tests run ${run}, failed ${failed}, skipped ${skipped}"
for (String name : ['learnsTheLineAndPredictsWithoutLabels', 'savedParamsLoadIntoAFreshModel', 'aMistakeInTheFileIsACompilationExceptionWithItsDiagnostic', 'runsOnVectorLanes']) {
    assert cases.any { it == 'dev.modelc.samples.api.FitTest.' + name || it.startsWith('dev.modelc.samples.api.FitTest.' + name + '(') } : "${name} did not run; ran ${cases}"
}
assert new File(basedir, 'build.log').getText('UTF-8') =~ /60 epochs, final loss \d/
return true
