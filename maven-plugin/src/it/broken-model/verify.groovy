// The diagnostic is in the log as modelc prints it, with the file's absolute path so IDEs link
// to the line, and the build failed; good.model was generated all the same.
String log = new File(basedir, 'build.log').getText('UTF-8')
String bad = new File(basedir, 'src/main/model/bad.model').canonicalPath
String diagnostic = "${bad}:4:28: error: undefined name 'c'\n" +
        "  output preds = x @ w.T + c\n" +
        "                           ^\n"
String logged = diagnostic.readLines().collect { '[ERROR] ' + it }.join('\n')
// Logged where it happened, and again as the build's failure message.
assert log.contains('modelc: wrote 1 class to target/generated-sources/modelc\n' + logged) : log
assert log.contains('on project broken-model: modelc: bad.model has errors:\n' + logged) : log
assert log.contains('BUILD FAILURE')
assert new File(basedir, 'target/generated-sources/modelc/good/Fine.java').isFile()
return true
