package dev.modelc.compiler.check;

import dev.modelc.compiler.diagnostics.Spelling;

import dev.modelc.runtime.model.TrainConfig;
import dev.modelc.runtime.model.TrainRules;

import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/** Checks a {@code train { ... }} block: known keys, constant values of the right kind and range. */
final class TrainBlock {
    private static final List<String> KEYS = List.of("batch", "epochs", "shuffle", "seed", "optimizer", "schedule",
            "clip_grad_norm");
    private static final Signature SGD = new Signature(List.of(), 0, false, List.of("lr", "momentum", "weight_decay"));
    private static final Signature ADAM = new Signature(List.of(), 0, false,
            List.of("lr", "beta1", "beta2", "eps", "weight_decay"));
    /** The schedules, PyTorch's schedulers by their arguments (positional as in PyTorch, or by name). */
    private static final Map<String, Signature> SCHEDULES = Map.of(
            "step_lr", new Signature(List.of("step_size", "gamma"), 1, false, List.of()),
            "exponential", new Signature(List.of("gamma"), 1, false, List.of()),
            "cosine", new Signature(List.of("t_max", "eta_min"), 1, false, List.of()),
            "linear_warmup", new Signature(List.of("epochs", "start_factor"), 1, false, List.of()));

    private final Elaborator elaborator;
    private final Diagnostics diagnostics;

    TrainBlock(Elaborator elaborator) {
        this.elaborator = elaborator;
        this.diagnostics = elaborator.diagnostics();
    }

    TrainConfig check(Stmt.Train train, Env env, ModelState model) {
        TrainConfig c = TrainConfig.DEFAULT;
        OptionalLong batch = c.batch();
        long epochs = c.epochs(), seed = c.seed();
        boolean shuffle = c.shuffle();
        Optional<TrainConfig.Optimizer> optimizer = Optional.empty();
        Optional<TrainConfig.Schedule> schedule = Optional.empty();
        OptionalDouble clip = OptionalDouble.empty();
        Map<String, Stmt.TrainEntry> seen = new HashMap<>();
        for (Stmt.TrainEntry e : train.entries()) {
            String key = e.key().text();
            if (!KEYS.contains(key)) {
                String note = switch (key) {
                    case "lr", "momentum", "weight_decay" -> key + " belongs to the optimizer: optimizer = sgd(" + key + " = ...)";
                    case "batch_size" -> "it is called batch";
                    default -> {
                        String near = Spelling.nearest(key, KEYS);
                        yield (near != null ? "did you mean '" + near + "'? " : "") + "settings are " + String.join(", ", KEYS);
                    }
                };
                diagnostics.error(e.key().span(), "unknown train setting '" + key + "'", note);
                continue;
            }
            Stmt.TrainEntry prior = seen.putIfAbsent(key, e);
            if (prior != null) {
                diagnostics.error(e.key().span(), "train setting '" + key + "' is given twice",
                        "first given at " + prior.key().span());
                continue;
            }
            switch (key) {
                case "batch" -> {
                    Long v = integer(e, TrainRules.BATCH, env);
                    if (v != null) batch = OptionalLong.of(v);
                }
                case "epochs" -> {
                    Long v = integer(e, TrainRules.EPOCHS, env);
                    if (v != null) epochs = v;
                }
                case "seed" -> {
                    Long v = integer(e, TrainRules.SEED, env);
                    if (v != null) seed = v;
                }
                case "shuffle" -> {
                    Value v = elaborator.eval(e.value(), env);
                    if (v instanceof Value.Tensor t && t.type().dtype() == DType.BOOL && t.isConstantScalar()) {
                        shuffle = Folding.number(t.known()) != 0;
                    } else if (!(v instanceof Value.Poison)) {
                        diagnostics.error(e.value().span(), "shuffle must be true or false, found " + e.value().span().text());
                    }
                }
                case "optimizer" -> {
                    optimizer = optimizer(e.value(), env);
                    model.optimizerSpan = e.span();
                }
                case "schedule" -> {
                    schedule = schedule(e.value(), env);
                    if (model.stepSettingSpan == null) model.stepSettingSpan = e.span();
                }
                case "clip_grad_norm" -> {
                    Value v = elaborator.eval(e.value(), env);
                    double norm = v instanceof Value.Tensor t && t.isConstantScalar() && t.type().dtype().isNumeric()
                            ? Folding.number(t.known()) : Double.NaN;
                    if (TrainRules.CLIP_GRAD_NORM.admits(norm)) {
                        clip = OptionalDouble.of(norm);
                        if (model.stepSettingSpan == null) model.stepSettingSpan = e.span();
                    } else if (!(v instanceof Value.Poison)) {
                        diagnostics.error(e.value().span(), "clip_grad_norm must be a constant " + TrainRules.CLIP_GRAD_NORM.requirement()
                                + ", found " + e.value().span().text(), "the largest 2-norm of all gradients together, as max_norm of "
                                + "torch.nn.utils.clip_grad_norm_");
                    }
                }
                default -> throw new IllegalStateException("unhandled key " + key);
            }
        }
        return new TrainConfig(batch, epochs, shuffle, seed, optimizer, schedule, clip);
    }

    private Long integer(Stmt.TrainEntry e, TrainRules.Range rule, Env env) {
        Value v = elaborator.eval(e.value(), env);
        if (v instanceof Value.Poison) return null;
        double n = v instanceof Value.Tensor t && t.isConstantScalar() && t.type().dtype() == DType.I32
                ? Folding.number(t.known()) : Double.NaN;
        if (!rule.admits(n)) {
            String meaning = switch (e.key().text()) {
                case "batch" -> "batch is the number of rows in each training step; leave it out to use all rows";
                case "epochs" -> "epochs is the number of passes over the data";
                default -> "seed picks the random streams of initializers and shuffling";
            };
            diagnostics.error(e.value().span(), e.key().text() + " must be " + rule.requirement()
                    + " constant, found " + e.value().span().text(), meaning);
            return null;
        }
        return (long) n;
    }

    private Optional<TrainConfig.Optimizer> optimizer(Expr value, Env env) {
        if (!(value instanceof Expr.Call call && call.callee() instanceof Expr.Name name
                && List.of("sgd", "adam", "adamw").contains(name.id().text()))) {
            diagnostics.error(value.span(), "optimizer must be sgd(...), adam(...) or adamw(...), found " + value.span().text(),
                    "for example: optimizer = sgd(lr = 1e-3, momentum = 0.9)");
            return Optional.empty();
        }
        String kind = name.id().text();
        boolean sgd = kind.equals("sgd");
        List<Value> values = new ArrayList<>();
        for (Expr.Arg a : call.args()) values.add(elaborator.eval(a.value(), env));
        Arguments.Binding b = Arguments.bind(kind, sgd ? SGD : ADAM, call.args(), values, call.span(), diagnostics);
        if (b == null) return Optional.empty();
        Site site = new Site(kind, call, b, env, elaborator);
        Double lr = setting(site, TrainRules.LR, 1e-3);
        // AdamW's default decay is 0.01, as torch.optim.AdamW's; SGD's and Adam's are 0.
        Double wd = setting(site, TrainRules.WEIGHT_DECAY, kind.equals("adamw") ? 0.01 : 0.0);
        if (sgd) {
            Double momentum = setting(site, TrainRules.MOMENTUM, 0.0);
            if (lr == null || wd == null || momentum == null) return Optional.empty();
            return Optional.of(new TrainConfig.Optimizer.Sgd(lr, momentum, wd));
        }
        Double beta1 = setting(site, TrainRules.BETA1, 0.9);
        Double beta2 = setting(site, TrainRules.BETA2, 0.999);
        Double eps = setting(site, TrainRules.EPS, 1e-8);
        if (lr == null || wd == null || beta1 == null || beta2 == null || eps == null) return Optional.empty();
        return Optional.of(kind.equals("adamw") ? new TrainConfig.Optimizer.AdamW(lr, beta1, beta2, eps, wd)
                : new TrainConfig.Optimizer.Adam(lr, beta1, beta2, eps, wd));
    }

    private Optional<TrainConfig.Schedule> schedule(Expr value, Env env) {
        if (!(value instanceof Expr.Call call && call.callee() instanceof Expr.Name name
                && SCHEDULES.containsKey(name.id().text()))) {
            diagnostics.error(value.span(), "schedule must be step_lr(...), exponential(...), cosine(...) or linear_warmup(...), "
                    + "found " + value.span().text(), "for example: schedule = step_lr(step_size = 10, gamma = 0.5)");
            return Optional.empty();
        }
        String kind = name.id().text();
        List<Value> values = new ArrayList<>();
        for (Expr.Arg a : call.args()) values.add(elaborator.eval(a.value(), env));
        Arguments.Binding b = Arguments.bind(kind, SCHEDULES.get(kind), call.args(), values, call.span(), diagnostics);
        if (b == null) return Optional.empty();
        Site site = new Site(kind, call, b, env, elaborator);
        return switch (kind) {
            case "step_lr" -> {
                Double step = setting(site, TrainRules.STEP_SIZE, Double.NaN), gamma = setting(site, TrainRules.GAMMA, 0.1);
                yield step == null || gamma == null ? Optional.empty()
                        : Optional.of(new TrainConfig.Schedule.StepLr(step.longValue(), gamma));
            }
            case "exponential" -> {
                Double gamma = setting(site, TrainRules.GAMMA, Double.NaN);
                yield gamma == null ? Optional.empty() : Optional.of(new TrainConfig.Schedule.Exponential(gamma));
            }
            case "cosine" -> {
                Double tMax = setting(site, TrainRules.T_MAX, Double.NaN), etaMin = setting(site, TrainRules.ETA_MIN, 0.0);
                yield tMax == null || etaMin == null ? Optional.empty()
                        : Optional.of(new TrainConfig.Schedule.Cosine(tMax.longValue(), etaMin));
            }
            case "linear_warmup" -> {
                Double epochs = setting(site, TrainRules.WARMUP_EPOCHS, Double.NaN);
                Double start = setting(site, TrainRules.START_FACTOR, 1.0 / 3);
                yield epochs == null || start == null ? Optional.empty()
                        : Optional.of(new TrainConfig.Schedule.LinearWarmup(epochs.longValue(), start));
            }
            default -> throw new IllegalStateException("unhandled schedule " + kind);
        };
    }

    /** A constant number that {@code rule} admits, or {@code fallback} when the argument is not given. */
    private Double setting(Site site, TrainRules.Range rule, double fallback) {
        Double v = site.constNumber(rule.name(), fallback);
        if (v == null) return null;
        if (!rule.admits(v)) {
            site.fail(rule.name(), rule.name() + " of " + site.name + " must be " + rule.requirement() + ", found "
                    + site.args.get(rule.name()).expr().span().text());
            return null;
        }
        return v;
    }
}
