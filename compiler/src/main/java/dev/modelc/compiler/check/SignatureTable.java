package dev.modelc.compiler.check;

import dev.modelc.runtime.model.TrainConfig;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a model's signature as the compact table {@code modelc check} prints:
 *
 * <pre>
 * CropYield
 *   input   x      f32[N, 3]
 *   param   w      f32[2, 3]  = randn()
 *   output  preds  f32[N, 2]
 *   loss    loss   f32[]
 * </pre>
 */
public final class SignatureTable {
    private SignatureTable() {
    }

    public static String render(ModelSignature m) {
        List<String[]> rows = new ArrayList<>();
        for (ModelSignature.Entry e : m.inputs()) rows.add(new String[] {"input", e.name(), e.type().toString(), ""});
        for (ModelSignature.ParamEntry p : m.params()) rows.add(new String[] {"param", p.path(), p.type().toString(), "= " + p.init()});
        for (ModelSignature.ParamEntry p : m.states()) rows.add(new String[] {"state", p.path(), p.type().toString(), "= " + p.init()});
        for (ModelSignature.Entry e : m.outputs()) rows.add(new String[] {"output", e.name(), e.type().toString(), ""});
        m.loss().ifPresent(e -> rows.add(new String[] {"loss", e.name(), e.type().toString(), ""}));
        if (!m.updated().isEmpty()) rows.add(new String[] {"update", String.join(", ", m.updated()), "", ""});
        m.train().ifPresent(t -> rows.add(new String[] {"train", train(t), "", ""}));

        int[] width = new int[3];
        for (String[] r : rows) {
            if (r[0].equals("update") || r[0].equals("train")) continue;
            for (int i = 0; i < 3; i++) width[i] = Math.max(width[i], r[i].length());
        }
        width[0] = Math.max(width[0], "output".length());
        StringBuilder out = new StringBuilder(m.name()).append('\n');
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ").append(pad(r[0], width[0])).append("  ");
            if (r[0].equals("update") || r[0].equals("train")) line.append(r[1]);
            else line.append(pad(r[1], width[1])).append("  ").append(pad(r[2], width[2])).append("  ").append(r[3]);
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private static String train(TrainConfig t) {
        List<String> parts = new ArrayList<>();
        parts.add("batch = " + (t.batch().isPresent() ? Long.toString(t.batch().getAsLong()) : "all"));
        parts.add("epochs = " + t.epochs());
        parts.add("shuffle = " + t.shuffle());
        parts.add("seed = " + t.seed());
        t.optimizer().ifPresent(o -> parts.add("optimizer = " + switch (o) {
            case TrainConfig.Optimizer.Sgd s -> "sgd(lr = " + number(s.lr()) + ", momentum = " + number(s.momentum())
                    + ", weight_decay = " + number(s.weightDecay()) + ")";
            case TrainConfig.Optimizer.Adam a -> "adam(lr = " + number(a.lr()) + ", beta1 = " + number(a.beta1())
                    + ", beta2 = " + number(a.beta2()) + ", eps = " + number(a.eps())
                    + ", weight_decay = " + number(a.weightDecay()) + ")";
            case TrainConfig.Optimizer.AdamW a -> "adamw(lr = " + number(a.lr()) + ", beta1 = " + number(a.beta1())
                    + ", beta2 = " + number(a.beta2()) + ", eps = " + number(a.eps())
                    + ", weight_decay = " + number(a.weightDecay()) + ")";
        }));
        t.schedule().ifPresent(s -> parts.add("schedule = " + s.spelling()));
        t.clipGradNorm().ifPresent(c -> parts.add("clip_grad_norm = " + number(c)));
        return String.join(", ", parts);
    }

    /** A number as short as it can be written exactly: {@code 0}, {@code 0.9}, {@code 1e-5}. */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        if (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e7) return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        String[] parts = Double.toString(v).split("E");
        String mantissa = parts[0].contains(".") ? parts[0].replaceAll("0+$", "").replaceAll("\\.$", "") : parts[0];
        return mantissa + "e" + parts[1];
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }
}
