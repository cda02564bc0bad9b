package dev.modelc.torch.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelc.torch.Libtorch;
import dev.modelc.torch.TorchScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes PyTorch's training runs under AdamW, the four learning-rate schedules and gradient
 * clipping as JSON, in float64: the seed's linear regression ({@code nn.Linear(3, 2)} and
 * {@code nn.MSELoss}, 15 rows, full batch) trained for a few epochs from fixed params, once per
 * setting, with the learning rate each epoch trained with, the loss over all rows after each epoch,
 * the total gradient norm before clipping (for the clipped run) and the final params. Run by
 * {@code scripts/torch-reference}; the argument is the file to write.
 *
 * <p>The whole loop is one TorchScript program, compiled and run by libtorch: the loss and its
 * gradients by libtorch's autograd ({@code torch.autograd.grad}), the optimizer step op for op as
 * {@code torch.optim.AdamW}'s and {@code torch.optim.SGD}'s single-tensor paths
 * ({@code foreach=False}, PyTorch 2.7's {@code torch/optim/adam.py} with decoupled weight decay,
 * {@code torch/optim/sgd.py}), clipping as {@code torch.nn.utils.clip_grad_norm_}
 * ({@code torch/nn/utils/clip_grad.py}), and each scheduler's chainable {@code get_lr} (PyTorch
 * 2.7's {@code torch/optim/lr_scheduler.py}) in TorchScript float arithmetic, which is C++ double
 * arithmetic in the same order as Python's floats ({@code math.cos} is the C library's, as in Python).
 */
public final class OptimReference {
    private static final int ROWS = 15, FEATURES = 3, TARGETS = 2, EPOCHS = 8;

    /**
     * The ops every run shares: the loss, its gradients, the optimizer steps, clipping, and
     * {@code doubles}, a list of Python floats as a float64 tensor, every bit kept
     * ({@code torch.tensor(list, dtype=...)} in TorchScript goes through float32); dtype 7 is
     * {@code torch.float64}, as archives spell dtypes.
     */
    private static final String METHODS = """
            def loss(self: __torch__.Function, x: Tensor, y: Tensor, w: Tensor, b: Tensor) -> Tensor:
              return torch.mse_loss(torch.linear(x, w, b), y)
            def grads(self: __torch__.Function, x: Tensor, y: Tensor, w: Tensor, b: Tensor) -> List[Tensor]:
              pw = w.detach().requires_grad_(True)
              pb = b.detach().requires_grad_(True)
              gs = torch.autograd.grad([self.loss(x, y, pw, pb)], [pw, pb])
              gw = gs[0]
              gb = gs[1]
              assert gw is not None
              assert gb is not None
              return [gw, gb]
            def adamw(self: __torch__.Function, param: Tensor, grad: Tensor, exp_avg: Tensor, exp_avg_sq: Tensor, step: float,
              lr: float, beta1: float, beta2: float, eps: float, weight_decay: float) -> None:
              if weight_decay != 0.0:
                param.mul_(1 - lr * weight_decay)
              exp_avg.lerp_(grad, 1 - beta1)
              exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
              bias_correction1 = 1 - beta1 ** step
              bias_correction2 = 1 - beta2 ** step
              step_size = lr / bias_correction1
              bias_correction2_sqrt = bias_correction2 ** 0.5
              denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
              param.addcdiv_(exp_avg, denom, value=-step_size)
            def doubles(self: __torch__.Function, values: List[float]) -> Tensor:
              out = torch.zeros([len(values)], dtype=7)
              for i in range(len(values)):
                out.select(0, i).fill_(values[i])
              return out
            def sgd(self: __torch__.Function, param: Tensor, grad: Tensor, lr: float) -> None:
              param.add_(grad, alpha=-lr)
            def clip_grad_norm_(self: __torch__.Function, grads: List[Tensor], max_norm: float) -> Tensor:
              total_norm = torch.linalg_vector_norm(torch.stack(torch._foreach_norm(grads, 2.0)), 2.0)
              clip_coef = torch.reciprocal(total_norm + 1e-6) * max_norm
              clip_coef_clamped = torch.clamp(clip_coef, max=1.0)
              torch._foreach_mul_(grads, clip_coef_clamped)
              return total_norm
            """;

    /**
     * Each scheduler's get_lr for {@code last_epoch}, from the rate the optimizer has ({@code lr})
     * and its initial one ({@code base_lr}); the capitals are the run's settings. Only the run's
     * one is compiled (TorchScript compiles every method, and the others' settings are unset).
     * Python's {@code math.cos} is {@code ops.aten.cos} on a float in an archive's code: the C
     * library's {@code cos}, as in Python.
     */
    private static final java.util.Map<String, String> SCHEDULES = java.util.Map.of(
            "constant", """
                    def constant(self: __torch__.Function, lr: float, base_lr: float, last_epoch: int) -> float:
                      return lr
                    """,
            "step_lr", """
                    def step_lr(self: __torch__.Function, lr: float, base_lr: float, last_epoch: int) -> float:
                      if last_epoch == 0 or last_epoch % STEP_SIZE != 0:
                        return lr
                      return lr * GAMMA
                    """,
            "exponential", """
                    def exponential(self: __torch__.Function, lr: float, base_lr: float, last_epoch: int) -> float:
                      if last_epoch == 0:
                        return lr
                      return lr * GAMMA
                    """,
            "cosine", """
                    def cosine(self: __torch__.Function, lr: float, base_lr: float, last_epoch: int) -> float:
                      if last_epoch == 0:
                        return lr
                      if (last_epoch - 1 - T_MAX) % (2 * T_MAX) == 0:
                        return lr + (base_lr - ETA_MIN) * (1 - ops.aten.cos(PI / T_MAX)) / 2
                      return (1 + ops.aten.cos(PI * last_epoch / T_MAX)) / (1 + ops.aten.cos(PI * (last_epoch - 1) / T_MAX)) * (lr - ETA_MIN) + ETA_MIN
                    """,
            "linear_warmup", """
                    def linear_warmup(self: __torch__.Function, lr: float, base_lr: float, last_epoch: int) -> float:
                      if last_epoch == 0:
                        return lr * START_FACTOR
                      if last_epoch > TOTAL_ITERS:
                        return lr
                      return lr * (1.0 + (END_FACTOR - START_FACTOR) / (TOTAL_ITERS * START_FACTOR + (last_epoch - 1) * (END_FACTOR - START_FACTOR)))
                    """);

    /**
     * The loop, as a PyTorch script writes it: the scheduler's constructor steps once (epoch 0's
     * rate), then per epoch zero_grad, backward, clip (when set), optimizer.step(), the loss over
     * all rows, scheduler.step().
     */
    private static final String FORWARD = """
            def forward(self: __torch__.Function, x: Tensor, y: Tensor, w0: Tensor, b0: Tensor) -> List[Tensor]:
              w = w0.clone()
              b = b0.clone()
              exp_avg_w = torch.zeros_like(w)
              exp_avg_sq_w = torch.zeros_like(w)
              exp_avg_b = torch.zeros_like(b)
              exp_avg_sq_b = torch.zeros_like(b)
              lrs: List[float] = []
              losses: List[float] = []
              norms: List[float] = []
              lr = self.SCHEDULE(LR, LR, 0)
              for epoch in range(EPOCHS):
                lrs.append(lr)
                gs = self.grads(x, y, w, b)
                if CLIP:
                  norms.append(float(self.clip_grad_norm_(gs, MAX_NORM)))
                if ADAMW:
                  self.adamw(w, gs[0], exp_avg_w, exp_avg_sq_w, float(epoch + 1), lr, BETA1, BETA2, EPS, WEIGHT_DECAY)
                  self.adamw(b, gs[1], exp_avg_b, exp_avg_sq_b, float(epoch + 1), lr, BETA1, BETA2, EPS, WEIGHT_DECAY)
                else:
                  self.sgd(w, gs[0], lr)
                  self.sgd(b, gs[1], lr)
                losses.append(float(self.loss(x, y, w, b)))
                lr = self.SCHEDULE(lr, LR, epoch + 1)
              return [self.doubles(lrs), self.doubles(losses), self.doubles(norms), w, b]
            """;

    /** One run: its name, the optimizer's settings, the schedule (its get_lr method and its constants), the clipping bound. */
    private record Run(String name, String optimizer, double lr, double beta1, double beta2, double eps, double weightDecay,
                       String schedule, List<Object> scheduleArgs, double maxNorm) {
        static Run adamw(String name, double lr, double weightDecay) {
            return new Run(name, "adamw", lr, 0.9, 0.999, 1e-8, weightDecay, "constant", List.of(), 0);
        }

        static Run sgd(String name, double lr, String schedule, List<Object> scheduleArgs, double maxNorm) {
            return new Run(name, "sgd", lr, 0, 0, 0, 0, schedule, scheduleArgs, maxNorm);
        }
    }

    private static final List<Run> RUNS = List.of(
            // torch.optim.AdamW's defaults (lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01), the language's too.
            Run.adamw("adamw_defaults", 1e-3, 0.01),
            // A rate and a decay that move the params visibly, so a wrong decay shows far above the tolerance.
            Run.adamw("adamw", 0.05, 0.1),
            Run.sgd("sgd_step_lr", 0.1, "step_lr", List.of("STEP_SIZE", 3L, "GAMMA", 0.5), 0),
            Run.sgd("sgd_exponential", 0.1, "exponential", List.of("GAMMA", 0.8), 0),
            // Past t_max, where the rate rises again (the recursive form's restart branch at epoch t_max + 1).
            Run.sgd("sgd_cosine", 0.1, "cosine", List.of("T_MAX", 5L, "ETA_MIN", 0.01), 0),
            Run.sgd("sgd_linear_warmup", 0.1, "linear_warmup", List.of("START_FACTOR", 0.25, "END_FACTOR", 1.0, "TOTAL_ITERS", 4L), 0),
            // A bound below the first epochs' total norms and above the last ones': clipping is active, then not (the
            // JSON holds the norms before clipping).
            Run.sgd("sgd_clip_grad_norm", 0.1, "constant", List.of(), 1.5),
            // All three together: AdamW's decay follows the scheduled rate (1 - lr * weight_decay each step), after clipping.
            new Run("adamw_cosine_clip_grad_norm", "adamw", 0.05, 0.9, 0.999, 1e-8, 0.1, "cosine", List.of("T_MAX", 5L, "ETA_MIN", 0.005),
                    1.5));

    private OptimReference() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: OptimReference <fixture.json>");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Libtorch torch = Libtorch.start();
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("source", torch.describe() + "; written by scripts/torch-reference (torch/, dev.modelc.torch.reference.OptimReference)");
        ArrayNode notes = root.putArray("notes");
        notes.add("The seed's linear regression in float64: loss = torch.mse_loss(torch.linear(x, w, b), y) (nn.Linear(3, 2), nn.MSELoss),"
                + " x: [15, 3], y: [15, 2], w: [2, 3], b: [2], row-major; every run starts from the same w and b and trains"
                + " for 'epochs' epochs of one full batch (no shuffling), one optimizer step per epoch.");
        notes.add("One TorchScript program per run, compiled and run by libtorch: gradients by torch.autograd.grad; the steps op for op"
                + " as PyTorch 2.7's single-tensor (foreach=False) torch.optim.AdamW (param.mul_(1 - lr * weight_decay), exp_avg.lerp_,"
                + " exp_avg_sq.mul_().addcmul_(), bias corrections in floats, denom = (exp_avg_sq.sqrt() / sqrt(bc2)).add_(eps),"
                + " param.addcdiv_(exp_avg, denom, value = -lr / bc1)) and torch.optim.SGD (param.add_(grad, alpha = -lr));"
                + " clip_grad_norm as torch.nn.utils.clip_grad_norm_ (total = vector_norm(stack(_foreach_norm(grads))),"
                + " coef = reciprocal(total + 1e-6) * max_norm as Python evaluates max_norm / tensor, clamped to 1, _foreach_mul_).");
        notes.add("lr: the rate each epoch trained with, from the scheduler's chainable get_lr (PyTorch 2.7's lr_scheduler.py: StepLR,"
                + " ExponentialLR, CosineAnnealingLR, LinearLR) in TorchScript float (C double) arithmetic in Python's order; the"
                + " constructor's step gives epoch 0's rate and scheduler.step() ends each epoch. loss: the loss over all rows after"
                + " each epoch's step. total_norm (clipped runs): the gradients' total 2-norm before clipping, each epoch.");
        SplittableRandom random = new SplittableRandom(15);
        double[] x = draws(random, ROWS * FEATURES, -2, 2), wTrue = draws(random, TARGETS * FEATURES, -1, 1);
        double[] bTrue = draws(random, TARGETS, -1, 1), noise = draws(random, ROWS * TARGETS, -0.1, 0.1);
        double[] y = new double[ROWS * TARGETS];
        for (int r = 0; r < ROWS; r++) {
            for (int t = 0; t < TARGETS; t++) {
                double s = bTrue[t] + noise[r * TARGETS + t];
                for (int f = 0; f < FEATURES; f++) s += x[r * FEATURES + f] * wTrue[t * FEATURES + f];
                y[r * TARGETS + t] = Math.round(s * 1e3) / 1e3;
            }
        }
        double[] w0 = draws(random, TARGETS * FEATURES, -1, 1), b0 = draws(random, TARGETS, -1, 1);
        ObjectNode data = root.putObject("data");
        numbers(data.putArray("x"), x);
        numbers(data.putArray("y"), y);
        numbers(data.putArray("w"), w0);
        numbers(data.putArray("b"), b0);
        ArrayNode runs = root.putArray("runs");
        try (NDManager m = NDManager.newBaseManager()) {
            for (Run run : RUNS) write(runs.addObject(), run, x, y, w0, b0, m);
        }
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter().withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance)
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.writer(pretty).writeValueAsString(root) + "\n");
        System.out.println("wrote " + runs.size() + " runs to " + out + " (" + torch.describe() + ")");
    }

    private static void write(ObjectNode n, Run run, double[] x, double[] y, double[] w0, double[] b0, NDManager parent) {
        n.put("name", run.name());
        n.put("epochs", EPOCHS);
        ObjectNode o = n.putObject("optimizer");
        o.put("kind", run.optimizer());
        o.put("lr", run.lr());
        if (run.optimizer().equals("adamw")) {
            o.put("beta1", run.beta1());
            o.put("beta2", run.beta2());
            o.put("eps", run.eps());
            o.put("weight_decay", run.weightDecay());
        }
        if (!run.schedule().equals("constant")) {
            ObjectNode s = n.putObject("schedule");
            s.put("kind", run.schedule());
            for (int i = 0; i < run.scheduleArgs().size(); i += 2) {
                String key = ((String) run.scheduleArgs().get(i)).toLowerCase(java.util.Locale.ROOT);
                if (run.scheduleArgs().get(i + 1) instanceof Long l) s.put(key, l);
                else s.put(key, (Double) run.scheduleArgs().get(i + 1));
            }
        }
        if (run.maxNorm() > 0) n.put("clip_grad_norm", run.maxNorm());
        String program = (METHODS + SCHEDULES.get(run.schedule()) + FORWARD).replace("SCHEDULE", run.schedule());
        for (int i = 0; i < run.scheduleArgs().size(); i += 2) {
            program = program.replace((String) run.scheduleArgs().get(i), literal(run.scheduleArgs().get(i + 1)));
        }
        program = program.replace("EPOCHS", Integer.toString(EPOCHS)).replace("CLIP", run.maxNorm() > 0 ? "True" : "False")
                .replace("MAX_NORM", literal(run.maxNorm())).replace("ADAMW", run.optimizer().equals("adamw") ? "True" : "False")
                .replace("LR", literal(run.lr())).replace("BETA1", literal(run.beta1())).replace("BETA2", literal(run.beta2()))
                .replace("WEIGHT_DECAY", literal(run.weightDecay())).replace("EPS", literal(run.eps()))
                .replace("PI", literal(Math.PI));
        n.put("torchscript", program);
        try (NDManager m = parent.newSubManager(); TorchScript f = TorchScript.program(program, m)) {
            NDList result = f.run(new NDList(tensor(m, x, ROWS, FEATURES), tensor(m, y, ROWS, TARGETS),
                    tensor(m, w0, TARGETS, FEATURES), tensor(m, b0, TARGETS)));
            numbers(n.putArray("lr"), result.get(0).toDoubleArray());
            numbers(n.putArray("loss"), result.get(1).toDoubleArray());
            if (run.maxNorm() > 0) numbers(n.putArray("total_norm"), result.get(2).toDoubleArray());
            numbers(n.putArray("w"), result.get(3).toDoubleArray());
            numbers(n.putArray("b"), result.get(4).toDoubleArray());
        }
    }

    /** A Python literal that reads back as exactly {@code v} (Java's shortest repr, as Python's). */
    private static String literal(Object v) {
        return v instanceof Long l ? Long.toString(l) : Double.toString((Double) v).replace('E', 'e');
    }

    private static NDArray tensor(NDManager m, double[] values, long... shape) {
        return m.create(values, new Shape(shape));
    }

    /** Uniform in [lo, hi), rounded to 3 decimals, so the fixture's inputs are exact in any reader. */
    private static double[] draws(SplittableRandom random, int n, double lo, double hi) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = Math.round(random.nextDouble(lo, hi) * 1e3) / 1e3;
        return out;
    }

    private static void numbers(ArrayNode to, double[] values) {
        for (double v : values) to.add(v);
    }
}
