// Run by the root build after `mvn verify` of this sample (sample-projects/pom.xml, invoker
// execution sample-projects): the training printed PyTorch's trajectory, and the jar refers to nothing
// of modelc but its runtime.
import groovy.json.JsonSlurper
import java.util.jar.JarFile

File log = new File(basedir, 'build.log')
String text = log.getText('UTF-8')

// 1. The trajectory: CropYieldManual's 100 losses and final params against the PyTorch reference
//    (shared/reference beside the repository), within 1e-4 relative as in f32 (TrainingTrajectoryTest).
File reference = null
for (File d = basedir.canonicalFile; d != null && reference == null; d = d.parentFile) {
    for (File c : [new File(d, 'shared/reference/pytorch-reference.json'), new File(d, '../shared/reference/pytorch-reference.json')]) {
        if (c.isFile()) { reference = c; break }
    }
}
assert reference != null : "shared/reference/pytorch-reference.json not found above ${basedir}"
def want = new JsonSlurper().parse(reference).training['full_batch_gd_lr1e-5_100_epochs_f32']

String manual = text.substring(text.indexOf('CropYieldManual: 100 epochs'), text.indexOf('CropYieldLinear: 100 epochs'))
def losses = (manual =~ /Epoch \[(\d+)\/100\], Loss: ([0-9.]+)/).collect { [it[1] as int, it[2] as double] }
assert losses.size() == 100 : "expected 100 epochs of CropYieldManual, found ${losses.size()}"
losses.eachWithIndex { e, i ->
    assert e[0] == i + 1
    double expected = want.loss_per_epoch[i] as double
    assert Math.abs(e[1] - expected) <= 1e-4 * Math.abs(expected) : "epoch ${i + 1}: loss ${e[1]}, PyTorch ${expected}"
}
def numbers = { String name -> // the values of `name = tensor(...)`, printed to 4 decimals
    int at = manual.indexOf(name + ' = tensor(')
    assert at >= 0 : "no ${name} printed"
    String body = manual.substring(at, manual.indexOf(')', at))
    (body.substring(body.indexOf('(')) =~ /-?[0-9]+\.[0-9]+/).collect { it as double }
}
['w', 'b'].each { name ->
    def expected = want[name].flatten().collect { it as double }
    def got = numbers(name)
    assert got.size() == expected.size() : "${name}: ${got}"
    got.eachWithIndex { v, i ->
        assert Math.abs(v - expected[i]) <= 5e-5 + 1e-4 * Math.abs(expected[i]) : "final ${name}[${i}] = ${v}, PyTorch ${expected[i]}"
    }
}

// 2. CropYieldLinear trained with SGD on shuffled batches as `modelc train` does (samples/crop-yield/README.md: 34.4547).
def linear = (text.substring(text.indexOf('CropYieldLinear: 100 epochs')) =~ /Epoch \[100\/100\], Loss: ([0-9.]+)/)
assert linear.find() : 'no final CropYieldLinear loss'
assert Math.abs((linear.group(1) as double) - 34.4547) <= 1e-3 * 34.4547 : "CropYieldLinear's final loss ${linear.group(1)}"

// 3. The jar needs the runtime alone: none of its classes refers to the compiler or the code generator.
File jar = new File(basedir, 'target/aot-crop-yield-1.0.jar')
assert jar.isFile()
def classes = []
new JarFile(jar).withCloseable { j ->
    j.entries().findAll { it.name.endsWith('.class') }.each { e ->
        classes << e.name
        String bytes = new String(j.getInputStream(e).bytes, 'ISO-8859-1')
        for (String banned : ['dev/modelc/compiler/', 'dev/modelc/aot/', 'com/palantir/javapoet/', 'org/antlr/']) {
            assert !bytes.contains(banned) : "${e.name} refers to ${banned}"
        }
    }
}
assert classes.contains('crop_yield/CropYieldManual.class') && classes.contains('crop_yield/CropYieldManual$Kernels.class') : classes
assert text.contains('modelc: generating Java for 1 of 1 .model file in ../crop-yield: crop_yield.model')

// 4. What the plugin generated is what modelc compile --emit java writes: the golden files of samples/crop-yield/generated.
File golden = new File(basedir, '../crop-yield/generated/crop_yield')
File generated = new File(basedir, 'target/generated-sources/modelc/crop_yield')
assert generated.list().sort() == golden.list().sort()
golden.eachFile { f -> assert new File(generated, f.name).getText('UTF-8') == f.getText('UTF-8') : "${f.name} differs from the golden file" }
return true
