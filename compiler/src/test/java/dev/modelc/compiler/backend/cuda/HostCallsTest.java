package dev.modelc.compiler.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.Fixtures;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.api.Driver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No library call runs on the host under {@code --backend cuda} without a reason: over every
 * entry point of every sample and reference model, the calls left on the host are listed, and
 * each must be of a kind {@link CudaLibrary} documents as staying there (scatter-adds that add
 * repeated indices in the JVM's order, draws from the JVM's generator, a flattened argmax). A new op that
 * lands without a CUDA kernel fails here until it gets one or a stated reason.
 */
class HostCallsTest {
    /** The kinds of call that stay on the host, each for the reason CudaLibrary's Javadoc gives. */
    private static boolean documented(Op op) {
        return switch (op) {
            case Op.IndexAdd i -> true; // adds repeated indices in the JVM's order
            case Op.ScatterAdd s -> true;
            case Op.Random r -> true; // the JVM's generator
            case Op.Draw d -> d.normal(); // normal draws: Box-Muller on fdlibm's log and cos, which CUDA's math does not reproduce
            case Op.ArgReduce a -> a.axis() < 0; // one row of every element
            default -> false;
        };
    }

    @Test
    void everyCallLeftOnTheHostIsOneThatStaysThereForAReason() throws IOException {
        List<Path> files = new ArrayList<>(Fixtures.list("reference", ".model"));
        try (Stream<Path> s = Files.walk(Path.of("../samples"))) {
            s.filter(p -> p.toString().endsWith(".model") && !p.toString().contains("/errors/") && !p.toString().contains("/target/"))
                    .sorted().forEach(files::add);
        }
        TreeSet<String> onHost = new TreeSet<>(), undocumented = new TreeSet<>();
        int models = 0;
        for (Path f : files) {
            Compilation c = Compiler.compile(new SourceFile(f.getFileName().toString(), Files.readString(f)));
            if (c.hasErrors()) continue;
            for (CheckedModel m : c.program().orElseThrow().models()) {
                models++;
                for (EntryPoint e : EntryPoint.values()) {
                    Graph g = e.graph(m.graph());
                    if (g.outputs().isEmpty()) continue;
                    for (Kernel.Call call : CudaProgram.of(Scheduler.schedule(m.name() + "." + e.methodName(), g, false)).hostCalls()) {
                        String line = f.getFileName() + " " + m.name() + "." + e.methodName() + ": " + call.op().label();
                        onHost.add(call.op().getClass().getSimpleName());
                        if (!documented(call.op())) undocumented.add(line);
                    }
                }
            }
        }
        assertTrue(models > 20, "models found: " + models);
        assertEquals(new TreeSet<>(), undocumented, "library calls on the host with no reason; all kinds on the host: " + onHost);
    }

    @Test
    void emitKernelsMarksTheCallsTheDeviceLeavesToTheHost() {
        CheckedModel m = Compiler.compile(new SourceFile("labels.model", """
                model Labels {
                  input y: i32[N]
                  input x: f32[N, 3]
                  output hot = one_hot(y, classes = 3)
                  output lse = logsumexp(x, axis = 1)
                  output best = argmax(x)
                }
                """)).program().orElseThrow().models().getFirst();
        String forward = Driver.kernels(m, null, false).getFirst();
        assertTrue(forward.contains("call one_hot[classes=3]") && forward.contains("call reduce_logsumexp"), forward);
        List<String> marks = forward.lines().filter(l -> l.startsWith("on the host under --backend cuda: ")).toList();
        assertEquals(1, marks.size(), forward);
        assertTrue(marks.getFirst().endsWith(" argmax[axis=-1 keepdims=false]"), marks::toString);
    }
}
