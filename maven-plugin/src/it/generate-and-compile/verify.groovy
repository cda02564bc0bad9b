// The classes were generated in the packages of their folders, compiled with the project's code,
// and the jar refers to nothing of modelc but its runtime.
import java.util.jar.JarFile

String log = new File(basedir, 'build.log').getText('UTF-8')
assert log.contains('modelc: generating Java for 2 of 2 .model files in src/main/model: com/example/shop/demand.model, pricing.model')
assert log.contains('modelc: wrote 2 classes to target/generated-sources/modelc')

File generated = new File(basedir, 'target/generated-sources/modelc')
String demand = new File(generated, 'com/example/shop/Demand.java').getText('UTF-8')
assert demand.contains('package com.example.shop;')
assert demand.contains(' * Weekly demand from price and season: a linear model.')
assert demand.contains('@param features input {@code features}, {@code f32[N, 2]}: price, season')
assert demand.contains('public Outputs forward(Tensor features) {')
assert new File(generated, 'pricing/Markup.java').getText('UTF-8').contains('package pricing;')

File jar = new File(basedir, 'target/generate-and-compile-1.0.jar')
def names = []
new JarFile(jar).withCloseable { j ->
    j.entries().findAll { it.name.endsWith('.class') }.each { e ->
        names << e.name
        String bytes = new String(j.getInputStream(e).bytes, 'ISO-8859-1')
        assert !bytes.contains('dev/modelc/compiler/') && !bytes.contains('com/palantir/javapoet/') : "${e.name} refers to the compiler"
    }
}
assert names.containsAll(['com/example/shop/Demand.class', 'com/example/shop/Forecast.class', 'pricing/Markup.class']) : names
return true
