package dev.modelc.compiler.backend.cuda;

import dev.modelc.runtime.device.LaunchGeometry;
import dev.modelc.compiler.backend.CommentText;
import dev.modelc.compiler.graph.ReduceFn;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.types.Dim;
import dev.modelc.runtime.DType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link Kernel.Loop} as a CUDA C kernel. Without a reduction it is a grid-stride loop over
 * the elements; with one, each outer position is folded in f64 by a block (a tree in shared
 * memory), and, when the geometry splits a position over several blocks, the last of them to
 * finish combines their partial results in block order: no atomics on values, so the result
 * does not depend on which block finishes first. Lets are C locals with the same rounding as the
 * JVM backends: each function let as its {@link dev.modelc.compiler.kernel.Arithmetic} says
 * (float operators, or the f64 function rounded once).
 */
final class CudaLoop {
    /** Threads per block of a reduction: a power of two, so the shared-memory tree halves evenly. */
    static final int MAX_REDUCTION_BLOCK = LaunchGeometry.MAX_REDUCTION_BLOCK;

    private final Kernel.Loop loop;
    private final KernelPlan plan;
    private final CudaSizes sizes;
    private final Map<Integer, Let> lets = new HashMap<>();
    private final StringBuilder out = new StringBuilder();
    private final String[] vars;
    private final int[] group;
    private final String[] flat = {"e", "j"};

    private CudaLoop(Kernel.Loop loop, KernelPlan plan, CudaSizes sizes) {
        this.loop = loop;
        this.plan = plan;
        this.sizes = sizes;
        this.vars = new String[loop.variables()];
        this.group = new int[loop.variables()];
        for (int v = loop.outer().size(); v < group.length; v++) group[v] = 1;
        loop.body().forEach(l -> lets.put(l.id(), l));
        loop.reduction().ifPresent(r -> r.body().forEach(l -> lets.put(l.id(), l)));
    }

    /** The kernel's definition; {@code buffers} orders its pointer parameters. */
    static String render(String function, Kernel.Loop loop, KernelPlan plan, CudaSizes sizes, List<Integer> buffers) {
        if (loop.reduction().map(r -> !r.each().isEmpty()).orElse(false)) {
            throw new IllegalStateException(loop.name() + ": device plans are scheduled without merged passes");
        }
        CudaLoop c = new CudaLoop(loop, plan, sizes);
        c.signature(function, buffers);
        if (loop.reduction().isPresent()) c.reduction(loop.reduction().get());
        else c.elementwise();
        c.out.append("}\n");
        return c.out.toString();
    }

    private void signature(String function, List<Integer> buffers) {
        out.append("extern \"C\" __global__ void ").append(function).append('(');
        StringBuilder params = new StringBuilder();
        for (int b : buffers) {
            if (!params.isEmpty()) params.append(", ");
            boolean written = b == loop.writes();
            params.append(written ? "" : "const ").append(CudaProgram.cType(plan.buffer(b).dtype()))
                    .append("* __restrict__ b").append(b);
        }
        for (String d : sizes.parameters()) params.append(params.isEmpty() ? "" : ", ").append("long long ").append(d);
        if (loop.reduction().isPresent()) params.append(", double* __restrict__ partials, unsigned int* __restrict__ counters");
        out.append(params).append(") {\n");
        out.append("  // ").append(header()).append('\n');
    }

    private String header() {
        String where = loop.span() == null ? "" : "  (" + CommentText.of(loop.span().source().name()) + ":" + loop.span().line() + ")";
        StringBuilder s = new StringBuilder(loop.name()).append(" loop ").append(loop.outer());
        loop.reduction().ifPresent(r -> s.append(" reduce ").append(r.fn().name().toLowerCase()).append(" over ").append(r.inner()));
        return s.append(where).toString();
    }

    private void elementwise() {
        out.append("  const long long total = ").append(count(loop.outer())).append(";\n");
        out.append("  for (long long e = (long long) blockIdx.x * blockDim.x + threadIdx.x; e < total; "
                + "e += (long long) gridDim.x * blockDim.x) {\n");
        String indent = "    ";
        if (loop.flat() || loop.outer().isEmpty()) {
            // Every access that moves is the loop's own position: no division into axes.
        } else {
            decompose("e", 0, loop.outer(), "i", indent);
        }
        for (Let l : loop.body()) let(l, indent);
        out.append(indent).append(store()).append('\n');
        out.append("  }\n");
    }

    private void reduction(Kernel.Reduction r) {
        String id = CudaScalars.identity(r.fn());
        out.append(CudaFold.declaration());
        out.append("  const long long outer = ").append(count(loop.outer())).append(";\n");
        out.append("  const long long inner = ").append(sizes.dim(r.count())).append(";\n");
        out.append("  for (long long o = blockIdx.y; o < outer; o += gridDim.y) {\n");
        decompose("o", 0, loop.outer(), "i", "    ");
        out.append("    double acc = ").append(id).append(";\n");
        out.append("    for (long long j = (long long) blockIdx.x * blockDim.x + threadIdx.x; j < inner; "
                + "j += (long long) gridDim.x * blockDim.x) {\n");
        if (!(r.flat() || r.inner().isEmpty())) decompose("j", loop.outer().size(), r.inner(), "j", "      ");
        for (Let l : r.body()) let(l, "      ");
        out.append("      acc = ").append(CudaScalars.combine(r.fn(), "acc", operand(r.value()))).append(";\n");
        out.append("    }\n");
        out.append(CudaFold.open(r.fn()));
        for (Let l : loop.body()) let(l, "        ");
        out.append("        ").append(store()).append('\n');
        out.append(CudaFold.CLOSE);
    }

    /** Row-major position {@code flatVar} split into the variables {@code first...} over {@code extents}. */
    private void decompose(String flatVar, int first, List<Dim> extents, String prefix, String indent) {
        if (extents.isEmpty()) return;
        if (extents.size() == 1) {
            vars[first] = prefix + "0";
            out.append(indent).append("const long long ").append(vars[first]).append(" = ").append(flatVar).append(";\n");
            return;
        }
        out.append(indent).append("long long rest_").append(prefix).append(" = ").append(flatVar).append(";\n");
        for (int a = extents.size() - 1; a >= 0; a--) {
            String v = prefix + a;
            vars[first + a] = v;
            String extent = sizes.dim(extents.get(a));
            if (a == 0) {
                out.append(indent).append("const long long ").append(v).append(" = rest_").append(prefix).append(";\n");
            } else {
                out.append(indent).append("const long long ").append(v).append(" = rest_").append(prefix).append(" % ")
                        .append(extent).append("; rest_").append(prefix).append(" /= ").append(extent).append(";\n");
            }
        }
    }

    private String count(List<Dim> dims) {
        Dim c = Dim.of(1);
        for (Dim d : dims) c = c.times(d);
        return sizes.dim(c);
    }

    private String store() {
        String v = "v" + loop.store().value();
        String value = switch (plan.buffer(loop.store().buffer()).dtype()) {
            case F32, F64 -> v;
            case I32 -> "(int) " + v;
            case BOOL -> "(unsigned char) (" + v + " != 0)";
        };
        String at = loop.reduction().isPresent() ? "o" : "e";
        return "b" + loop.store().buffer() + "[" + at + "] = " + value + ";";
    }

    private String index(dev.modelc.compiler.kernel.Affine a) {
        return sizes.index(a, vars, group, flat);
    }

    /** Let {@code id} as an f64 operand (f32 lets are widened explicitly: C++ would pick the float overload of exp). */
    private String operand(int id) {
        return lets.get(id).dtype() == DType.F32 ? "(double) v" + id : "v" + id;
    }

    private void let(Let l, String indent) {
        boolean f = l.dtype() == DType.F32;
        String rhs = switch (l.expr()) {
            case Expr.Load ld -> {
                String at = "b" + ld.buffer() + "[" + index(ld.index()) + "]";
                yield switch (plan.buffer(ld.buffer()).dtype()) {
                    case F32, F64 -> at;
                    case I32 -> "(double) " + at;
                    case BOOL -> "(" + at + " ? 1.0 : 0.0)";
                };
            }
            case Expr.Constant c -> f ? CudaScalars.floatLiteral((float) c.value()) : CudaScalars.doubleLiteral(c.value());
            case Expr.SizeOf s -> (f ? "(float) " : "(double) ") + sizes.dim(s.size());
            case Expr.Position p -> (f ? "(float) (" : "(double) (") + index(p.index()) + ")";
            case Expr.Unary u -> switch (u.arithmetic()) {
                case F32 -> switch (u.fn()) {
                    case NEG -> "-v" + u.x();
                    case SQUARE -> "v" + u.x() + " * v" + u.x();
                    // abs, relu, reciprocal: the f64 helper on the widened value, rounded back,
                    // which gives the same bits (see Arithmetic); a float helper would too.
                    default -> narrow(CudaScalars.unary(u.fn(), operand(u.x())), l.dtype());
                };
                case F64 -> narrow(CudaScalars.unary(u.fn(), operand(u.x())), l.dtype());
            };
            case Expr.Binary b -> switch (b.arithmetic()) {
                case F32 -> switch (b.fn()) {
                    case ADD -> "v" + b.a() + " + v" + b.b();
                    case SUB -> "v" + b.a() + " - v" + b.b();
                    case MUL -> "v" + b.a() + " * v" + b.b();
                    case DIV -> "v" + b.a() + " / v" + b.b();
                    // maximum, minimum: the f64 helper on the widened values, the same bits (see Arithmetic).
                    default -> narrow(CudaScalars.binary(b.fn(), operand(b.a()), operand(b.b())), l.dtype());
                };
                case F64 -> narrow(CudaScalars.binary(b.fn(), operand(b.a()), operand(b.b())), l.dtype());
            };
            case Expr.Select s -> "v" + s.mask() + " != 0 ? v" + s.a() + " : v" + s.b();
            case Expr.Convert c -> switch (l.dtype()) {
                case F32 -> "(float) v" + c.x();
                case F64 -> "(double) v" + c.x();
                case I32 -> "mc_to_i32(" + operand(c.x()) + ")";
                case BOOL -> "mc_to_bool(" + operand(c.x()) + ")";
            };
            case Expr.Accumulated a -> {
                Kernel.Reduction r = loop.reduction().orElseThrow();
                yield narrow(r.fn() == ReduceFn.MEAN ? "(acc / (double) " + sizes.dim(r.count()) + ")" : "acc", l.dtype());
            }
        };
        out.append(indent).append(f ? "const float v" : "const double v").append(l.id()).append(" = ").append(rhs)
                .append(";  // ").append(comment(l)).append('\n');
    }

    /** The let's dtype and the graph node it computes, so a line of CUDA C can be traced back to the plan and graph. */
    private static String comment(Let l) {
        return l.dtype().spelling() + " %" + l.node();
    }

    /** A double-valued expression rounded to {@code t}, as the interpreter rounds a node. */
    private static String narrow(String e, DType t) {
        return switch (t) {
            case F32 -> "(float) " + e;
            case F64 -> e;
            case I32 -> "mc_wrap_i32(" + e + ")";
            case BOOL -> "mc_to_bool(" + e + ")";
        };
    }
}
