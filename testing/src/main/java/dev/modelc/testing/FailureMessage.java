package dev.modelc.testing;

import dev.modelc.compiler.check.CheckedModel;
import dev.modelc.runtime.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The text of a {@link GradCheck} failure: what was differentiated, each wrong element with both
 * values and the relative error, the point (every input and param, in full), the direction of
 * second derivatives, and the step, tolerances and backend used.
 */
final class FailureMessage {
    private FailureMessage() {
    }

    /** Wrong elements shown in full; the rest are counted. */
    private static final int SHOWN = 10;

    static String of(CheckedModel model, Optional<String> output, Mismatch.Order order, List<Mismatch> bad, int checked,
                     double objective, Bindings at, Map<String, Tensor> directions, Tolerances tolerances,
                     Engine engine) {
        StringBuilder s = new StringBuilder("GradCheck: model ").append(model.name()).append(source(model)).append(": ");
        String of = output.map(o -> "output '" + o + "' (projected on a fixed random cotangent)")
                .orElseGet(() -> "the loss" + model.signature().loss().map(l -> " '" + l.name() + "'").orElse(""));
        s.append(order == Mismatch.Order.FIRST ? "the gradient of " + of + " disagrees with finite differences"
                : "the second derivatives of " + of + " (Hessian-vector products H v) disagree with finite differences"
                        + " of the gradient along v");
        s.append(" at ").append(bad.size()).append(" of ").append(checked).append(" elements\n");
        for (int i = 0; i < Math.min(SHOWN, bad.size()); i++) {
            Mismatch m = bad.get(i);
            s.append("  ").append(m.variable()).append(" at ").append(m.index()).append(": ")
                    .append(order == Mismatch.Order.FIRST ? "symbolic " : "symbolic H v ").append(m.symbolic())
                    .append(", finite difference ").append(m.finiteDifference())
                    .append(String.format(Locale.ROOT, ", relative error %.3g (allowed difference %.3g)", m.relativeError(), m.allowed()))
                    .append('\n');
        }
        if (bad.size() > SHOWN) s.append("  and ").append(bad.size() - SHOWN).append(" more\n");
        s.append("at the point (").append(output.isEmpty() ? "loss" : "objective").append(" = ").append(objective).append(")\n");
        for (String entry : at.entries()) s.append("  ").append(entry).append('\n');
        if (directions != null) {
            s.append("along v\n");
            for (String entry : Bindings.of(Map.of(), directions).entries()) s.append("  ").append(entry).append('\n');
        }
        s.append("with h = ").append(tolerances.step()).append(", relative tolerance ").append(tolerances.relative())
                .append(", absolute ").append(tolerances.absolute()).append(", on ").append(engine.name());
        return s.toString();
    }

    /** " (file.model)" when the model came from a file. */
    private static String source(CheckedModel model) {
        return model.signature().loss().or(() -> model.signature().outputs().stream().findFirst())
                .filter(e -> e.span() != null).map(e -> " (" + e.span().source().name() + ")").orElse("");
    }
}
