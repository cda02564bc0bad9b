package dev.modelc.compiler.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.Fixtures;
import dev.modelc.compiler.backend.EntryPoint;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.graph.Graph;
import dev.modelc.compiler.kernel.Scheduler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models whose generated CUDA C is pinned by golden files: every reference case and every
 * model of the samples that train (crop yield, classification, Iris), each rendered for its
 * forward pass, its loss and gradients, and its update step when it has update rules, in one
 * file per model under {@code src/test/resources/golden/cuda}.
 */
final class CudaGolden {
    static final Path DIR = Path.of("src/test/resources/golden/cuda");
    private static final List<Path> SAMPLES = List.of(Path.of("../samples/crop-yield/crop_yield.model"),
            Path.of("../samples/classification/classification.model"),
            Path.of("../samples/classification-iris/iris.model"));

    private CudaGolden() {
    }

    /** Golden file name to the CUDA C it must hold. */
    static Map<String, String> rendered() {
        Map<String, String> out = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>(Fixtures.list("reference", ".model"));
        files.addAll(SAMPLES);
        for (Path f : files) {
            SourceFile source = source(f);
            Compilation c = Compiler.compile(source);
            assertFalse(c.hasErrors(), c::render);
            for (CheckedModel m : c.program().orElseThrow().models()) {
                StringBuilder s = new StringBuilder();
                for (EntryPoint e : List.of(EntryPoint.FORWARD, EntryPoint.GRADIENTS, EntryPoint.UPDATE)) {
                    Graph g = m.graph();
                    boolean has = switch (e) {
                        case FORWARD -> !g.outputs(Graph.Role.OUTPUT).isEmpty();
                        case GRADIENTS -> m.signature().loss().isPresent();
                        case UPDATE -> !m.signature().updated().isEmpty();
                        default -> false;
                    };
                    if (!has) continue;
                    String plan = m.name() + "." + e.methodName();
                    s.append("// ===== ").append(plan).append(" =====\n");
                    s.append(CudaProgram.of(Scheduler.schedule(plan, e.graph(g), false)).source());
                }
                out.put(source.name().replace(".model", "") + "." + m.name() + ".cu", s.toString());
            }
        }
        return out;
    }

    private static SourceFile source(Path p) {
        try {
            return new SourceFile(p.getFileName().toString(), Files.readString(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
