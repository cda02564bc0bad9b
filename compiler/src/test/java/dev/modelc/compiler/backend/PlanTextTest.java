package dev.modelc.compiler.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.Compilation;
import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.kernel.Scheduler;
import dev.modelc.runtime.plan.Plan;
import dev.modelc.runtime.plan.PlanText;
import dev.modelc.runtime.plan.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every plan of every sample and reference model reads back from its text as written (what
 * generated classes rely on), and the corpus has every kind of step, so the test reaches them.
 */
class PlanTextTest {
    private static List<Path> models() throws IOException {
        try (Stream<Path> samples = Files.walk(Path.of("../samples"));
             Stream<Path> reference = Files.walk(Path.of("src/test/resources/reference"))) {
            return Stream.concat(samples, reference).filter(p -> p.toString().endsWith(".model"))
                    .filter(p -> !p.toString().contains("errors") && !p.toString().contains("target")).sorted().toList();
        }
    }

    /** Slices, whose gradients pad (at symbolic starts); no sample has them differentiated. */
    private static final String SLICES = """
            model Slices {
              input x: f64[N, 4]
              param w: f64[4] = [1.0, 2.0, 3.0, 4.0]
              y = x * w
              loss = sum(y[:, 1:] * y[:, ::2][:, 1:]) + sum(y[1:, :])
              update w = w - 0.1 * grad(loss, w)
            }
            """;

    @Test
    void everyPlanReadsBackFromItsText() throws IOException {
        Set<String> kinds = new TreeSet<>();
        int plans = 0;
        List<SourceFile> sources = new java.util.ArrayList<>(List.of(new SourceFile("slices.model", SLICES)));
        for (Path file : models()) sources.add(new SourceFile(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
        for (SourceFile file : sources) {
            Compilation c = Compiler.compile(file);
            if (c.hasErrors()) continue; // wrong_gradient.model and the like are for other tests
            for (CheckedModel m : c.program().orElseThrow().models()) {
                for (EntryPoint e : EntryPoint.values()) {
                    Plan plan;
                    try {
                        plan = PlanLowering.lower(Scheduler.schedule(m.name() + "." + e.methodName(), e.graph(m.graph())));
                    } catch (RuntimeException noSuchEntry) {
                        continue; // a model without a loss has no loss plan
                    }
                    String text = PlanText.write(plan);
                    assertEquals(text, PlanText.write(PlanText.read(text)), file.name() + " " + m.name() + "." + e.methodName());
                    plans++;
                    for (Step s : plan.steps()) {
                        kinds.add(switch (s) {
                            case Step.Loop l -> l.split() ? "split loop" : "loop";
                            case Step.MatMul mm -> "matmul";
                            case Step.Call call -> call.call().label();
                        });
                    }
                }
            }
        }
        assertFalse(plans < 50, plans + " plans");
        assertEquals(true, kinds.containsAll(Set.of("loop", "split loop", "matmul", "softmax", "log_softmax", "logsumexp", "argmax",
                "concat", "one_hot", "normal", "uniform", "pad")), kinds::toString);
    }
}
