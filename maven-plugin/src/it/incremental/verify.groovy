// 1st build: both files generated. 2nd (after changes/ was copied over src/main/model): only b.model,
// whose bytes changed; a.model was rewritten with the same bytes and is not. 3rd: nothing.
String log = new File(basedir, 'build.log').getText('UTF-8')
def lines = log.readLines().findAll { it.contains('modelc: ') }*.replaceFirst(/^\[INFO\] /, '')
def expected = [
    'modelc: generating Java for 2 of 2 .model files in src/main/model: a.model, b.model',
    'modelc: wrote 2 classes to target/generated-sources/modelc',
    'modelc: generating Java for 1 of 2 .model files in src/main/model: b.model',
    'modelc: wrote 1 class to target/generated-sources/modelc',
    'modelc: 2 .model files in src/main/model, all up to date',
]
assert lines == expected : "modelc's lines in build.log:\n" + lines.join('\n')

File out = new File(basedir, 'target/generated-sources/modelc')
File touched = new File(out, 'a/Touched.java'), changed = new File(out, 'b/Changed.java')
assert touched.lastModified() < changed.lastModified() : 'a.model was generated again'
assert changed.getText('UTF-8').contains('output {@code after}')
assert !changed.getText('UTF-8').contains('output {@code before}')
return true
