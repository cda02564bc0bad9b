// Run by the root build after `mvn verify` of this sample (sample-projects/pom.xml, maven-invoker-plugin):
// the JUnit tests and the jqwik properties ran, all of them, and passed. A Surefire that finds no JUnit 5
// test, or an engine that fails to load, can still end in BUILD SUCCESS with "Tests run: 0", so the count is
// read from its reports.
import javax.xml.parsers.DocumentBuilderFactory

def testcases = { suite -> def list = suite.getElementsByTagName('testcase'); (0..<list.length).collect { list.item(it) } }

def reports = new File(basedir, 'target/surefire-reports').listFiles()?.findAll { it.name ==~ /TEST-.*\.xml/ } ?: []
assert !reports.isEmpty() : 'no Surefire report: no test ran'
def suites = reports.collect { DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(it).documentElement }
def cases = suites.collectMany { s -> testcases(s).collect { c -> c.getAttribute('name') } }
int run = suites.sum { it.getAttribute('tests') as int }, failed = suites.sum { (it.getAttribute('failures') as int) + (it.getAttribute('errors') as int) }, skipped = suites.sum { it.getAttribute('skipped') as int }
assert run > 0 && failed == 0 && skipped == 0 : "tests run ${run}, failed ${failed}, skipped ${skipped}"
// Both engines ran: Jupiter's @Test methods and jqwik's @Property methods.
for (String name : ['gradientsAtTheModelsInitialParams', 'aWrongGradientFailsWithTheElementItGotWrong',
                    'gradientsAreRight', 'secondDerivativesAreRight', 'theOutputsJacobianWithRespectToTheInputsIsRight']) {
    assert cases.any { it.startsWith(name) } : "${name} did not run; ran ${cases}"
}
// jqwik reports each property's checks (tries not rejected); a property that checked nothing proved nothing.
def checks = (new File(basedir, 'build.log').getText('UTF-8') =~ /(?m)^checks = (\d+)/).collect { it[1] as int }
assert checks.size() == 3 && checks.every { it > 0 } : "jqwik's checks per property: ${checks}"

return true
