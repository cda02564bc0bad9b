package dev.modelc.compiler.backend.bytecode;

import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import dev.modelc.compiler.graph.BinaryFn;
import dev.modelc.compiler.graph.UnaryFn;
import dev.modelc.compiler.kernel.Affine;
import dev.modelc.compiler.kernel.Arithmetic;
import dev.modelc.compiler.kernel.Expr;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.compiler.kernel.Let;
import dev.modelc.compiler.kernel.Store;
import dev.modelc.compiler.types.Dim;
import dev.modelc.runtime.DType;
import dev.modelc.runtime.exec.Parallel;
import dev.modelc.runtime.exec.RangeKernel;
import dev.modelc.runtime.exec.Scalars;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Renders one {@link Kernel.Loop} as the bytecode of a {@link RangeKernel}: the loop nest with
 * every let in a local variable, the same program the Java source backend prints. f32 lets are
 * {@code float} locals, the rest doubles; a function let is computed as its {@link Arithmetic}
 * says (a float instruction, or {@link Scalars} on widened operands rounded once), which the
 * kernel IR decided, so there is one definition of what each function means. i32 and bool lets
 * are held as doubles and rounded like the interpreter rounds them.
 */
final class LoopCompiler {
    private static final ClassDesc SCALARS = ClassDesc.of(Scalars.class.getName());
    private static final ClassDesc MATH = ClassDesc.of(Math.class.getName());
    private static final ClassDesc RANGE_KERNEL = ClassDesc.of(RangeKernel.class.getName());
    private static final MethodTypeDesc RUN = MethodTypeDesc.of(CD_void, CD_Object.arrayType(), CD_long.arrayType(), CD_int, CD_int);
    private static final MethodTypeDesc D_D = MethodTypeDesc.of(CD_double, CD_double);
    private static final MethodTypeDesc DD_D = MethodTypeDesc.of(CD_double, CD_double, CD_double);
    private static final MethodTypeDesc DDD_D = MethodTypeDesc.of(CD_double, CD_double, CD_double, CD_double);
    private static final MethodTypeDesc F_F = MethodTypeDesc.of(CD_float, CD_float);
    private static final MethodTypeDesc FF_F = MethodTypeDesc.of(CD_float, CD_float, CD_float);
    private static final MethodTypeDesc DFF_F = MethodTypeDesc.of(CD_float, CD_double, CD_float, CD_float);

    private static final int B = 1, D = 2, START = 3, END = 4;

    /**
     * Innermost loops of at most this many iterations (a constant) are unrolled, when the copies
     * hold at most {@link #UNROLLED_LETS} lets in all: a method past 8,000 bytes of code is never
     * compiled by the JIT, so a long body is better left a loop.
     */
    private static final int UNROLL = 4, UNROLLED_LETS = 256;

    /**
     * Positions of a reduction loop's last outer axis folded together ({@link #jammed}): the
     * column sums {@code sum(g, axis=0)} of a {@code [B, F]} gradient read 8 adjacent columns
     * per row instead of one column at stride F, and 8 independent additions are in flight
     * instead of one chain waiting on each add's latency.
     */
    static final int JAM = 8;

    private final Kernel.Loop loop;
    private final KernelPlan plan;
    private final List<Integer> buffers;
    private CodeBuilder code;
    private final Map<Integer, Integer> bufferLocal = new HashMap<>();
    private final Map<Dim, Integer> dimLocal = new HashMap<>();
    private final Map<Integer, Integer> letLocal = new HashMap<>();
    private final Map<Integer, Let> lets = new HashMap<>();
    /** Loop variable number to its local (nested loops); the flat variable of a flat group. */
    private final int[] varLocal;
    private int outerFlat = -1, innerFlat = -1, accumulator = -1;

    private static final ClassDesc FLOAT_VECTOR = ClassDesc.of("jdk.incubator.vector.FloatVector");
    private static final ClassDesc VECTOR = ClassDesc.of("jdk.incubator.vector.Vector");
    private static final ClassDesc DOUBLE_VECTOR = ClassDesc.of("jdk.incubator.vector.DoubleVector");
    private static final ClassDesc CONVERSION = ClassDesc.of("jdk.incubator.vector.VectorOperators$Conversion");
    private static final ClassDesc SPECIES = ClassDesc.of("jdk.incubator.vector.VectorSpecies");
    private static final ClassDesc OPERATORS = ClassDesc.of("jdk.incubator.vector.VectorOperators");
    private static final ClassDesc UNARY_OPERATOR = ClassDesc.of("jdk.incubator.vector.VectorOperators$Unary");
    private static final ClassDesc COMPARISON = ClassDesc.of("jdk.incubator.vector.VectorOperators$Comparison");
    private static final ClassDesc TEST = ClassDesc.of("jdk.incubator.vector.VectorOperators$Test");
    private static final ClassDesc MASK = ClassDesc.of("jdk.incubator.vector.VectorMask");
    private static final MethodTypeDesc COMPARE_V = MethodTypeDesc.of(MASK, COMPARISON, VECTOR);
    private static final MethodTypeDesc TEST_OF = MethodTypeDesc.of(MASK, TEST);
    /** 2^23: from here on every float is an integer. */
    private static final float TWO_23 = 8388608f;

    /**
     * The dtype of the loop's lanes ({@link VectorLanes#laneType}): f32 lanes are
     * {@code FloatVector}s, f64 lanes {@code DoubleVector}s, with the same operations.
     */
    private final DType laneType;
    /** {@code FloatVector} or {@code DoubleVector}, by {@link #laneType}. */
    private final ClassDesc vec;
    /** {@code float[]} or {@code double[]}, by {@link #laneType}. */
    private final ClassDesc laneArray;
    /** {@code vec.op(element)}: an operation with a scalar operand. */
    private final MethodTypeDesc vOfElement;
    private final MethodTypeDesc compareElement;
    private final MethodTypeDesc blend;

    /** Whether the flat loop gets a vector main loop before its scalar one (see {@link VectorLanes}). */
    private final boolean lanes;
    /** Whether a full reduction's chunks compute their values on lanes (see {@link VectorLanes#fitsFold}). */
    private final boolean foldLanes;
    /** Whether the loop's last axis runs on lanes, row by row (see {@link VectorLanes#fitsRows}). */
    private final boolean rowLanes;
    /** The end of a row's whole vectors, computed in the prologue (a row lanes loop). */
    private int rowUpper = -1;
    /**
     * The lets whose scalar code is the remainder of lanes (the elements past a loop's, a row's
     * or a chunk's last whole vector): their exp, log, log1p, sin, cos and tanh call
     * {@code LaneMath}'s scalar twins, the lanes' bits, not {@link Scalars}, so an element's
     * value does not depend on where the vectors of its loop start and end (the vector width,
     * the split into tasks and chunks).
     */
    private final Set<Integer> laneTwins = new HashSet<>();
    /** Whether the loop's reduction runs for {@link #JAM} positions of its last outer axis at a time (see {@link #jams}). */
    private final boolean jam;
    private int species = -1, laneCount = -1, scratch = -1, doubleSpecies = -1;
    private final Map<Integer, Integer> laneLocal = new HashMap<>();

    /** Several reductions over the same rows, when this renders a {@link Kernel.Reductions} (its row loop is {@link #loop}). */
    private Kernel.Reductions reductions;
    /** Whether sums of products of two f32 values in f64 are fused multiply-adds where the hardware has them (a row pass). */
    private boolean exactProducts;

    private LoopCompiler(Kernel.Loop kernel, KernelPlan plan, boolean vector, List<Integer> buffers) {
        Kernel.Loop loop = CollapsedAxes.of(kernel);
        this.lanes = vector && VectorLanes.fits(loop, plan);
        this.foldLanes = vector && VectorLanes.fitsFold(loop, plan);
        this.jam = jams(loop);
        this.rowLanes = vector && VectorLanes.fitsRows(loop, plan);
        this.laneType = VectorLanes.laneType(loop, plan);
        ClassDesc element = laneType == DType.F64 ? CD_double : CD_float;
        this.vec = laneType == DType.F64 ? DOUBLE_VECTOR : FLOAT_VECTOR;
        this.laneArray = element.arrayType();
        this.vOfElement = MethodTypeDesc.of(vec, element);
        this.compareElement = MethodTypeDesc.of(MASK, COMPARISON, element);
        this.blend = MethodTypeDesc.of(vec, VECTOR, MASK);
        this.loop = loop;
        this.plan = plan;
        this.buffers = buffers;
        this.varLocal = new int[loop.variables()];
        loop.body().forEach(l -> lets.put(l.id(), l));
        loop.reduction().ifPresent(r -> r.body().forEach(l -> lets.put(l.id(), l)));
        if (lanes || rowLanes) loop.body().forEach(l -> laneTwins.add(l.id()));
        if (foldLanes) loop.reduction().orElseThrow().body().forEach(l -> laneTwins.add(l.id()));
    }

    /** The class file of a {@link RangeKernel} named {@code name} running {@code loop}. */
    static byte[] compile(ClassDesc name, Kernel.Loop loop, KernelPlan plan, boolean vector) {
        return build(name, new LoopCompiler(loop, plan, vector, KernelOrder.of(loop)));
    }

    /** The class file of a {@link RangeKernel} named {@code name} running the one pass of {@code r}. */
    static byte[] compile(ClassDesc name, Kernel.Reductions r, KernelPlan plan) {
        LoopCompiler c = new LoopCompiler(r.rowLoop(), plan, false, KernelOrder.of(r));
        c.reductions = r;
        c.exactProducts = true;
        return build(name, c);
    }

    private static byte[] build(ClassDesc name, LoopCompiler c) {
        return ClassFile.of().build(name, cb -> cb
                .withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL)
                .withInterfaceSymbols(RANGE_KERNEL)
                .withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC, code -> code
                        .aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_())
                .withMethodBody("run", RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, c::body));
    }

    private void body(CodeBuilder cb) {
        this.code = cb;
        for (int i = 0; i < buffers.size(); i++) {
            DType t = plan.buffer(buffers.get(i)).dtype();
            code.aload(B).loadConstant(i).aaload().checkcast(arrayOf(t));
            int local = code.allocateLocal(TypeKind.REFERENCE);
            code.astore(local);
            bufferLocal.put(buffers.get(i), local);
        }
        // Every symbolic size the loops use, computed once per call before any loop: a local
        // stored here is assigned on every path to every later use (one stored inside a loop
        // would not be, for the verifier, after that loop: see dim).
        for (Dim d : reductions != null ? KernelOrder.dims(reductions) : KernelOrder.dims(loop)) {
            if (!d.isConstant()) prologueDim(d);
        }
        if (reductions != null) {
            rowReductions();
            return;
        }
        if (loop.isSplittable()) {
            splitReduction(loop.reduction().orElseThrow());
            return;
        }
        if (rowLanes) {
            species = code.allocateLocal(TypeKind.REFERENCE);
            laneCount = code.allocateLocal(TypeKind.INT);
            rowUpper = code.allocateLocal(TypeKind.INT);
            code.getstatic(vec, "SPECIES_PREFERRED", SPECIES).astore(species);
            code.aload(species).invokeinterface(SPECIES, "length", MethodTypeDesc.of(CD_int)).istore(laneCount);
            code.aload(species);
            dim(loop.outer().getLast());
            code.invokeinterface(SPECIES, "loopBound", MethodTypeDesc.of(CD_int, CD_int)).istore(rowUpper);
            loops(() -> code.iload(START), () -> code.iload(END));
        } else if (lanes) {
            // Lanes from START up to the last whole vector, then the scalar loop for the rest.
            int i = code.allocateLocal(TypeKind.INT), upper = code.allocateLocal(TypeKind.INT), len = code.allocateLocal(TypeKind.INT);
            species = code.allocateLocal(TypeKind.REFERENCE);
            code.getstatic(vec, "SPECIES_PREFERRED", SPECIES).astore(species);
            code.aload(species).invokeinterface(SPECIES, "length", MethodTypeDesc.of(CD_int)).istore(len);
            code.iload(START).aload(species).iload(END).iload(START).isub()
                    .invokeinterface(SPECIES, "loopBound", MethodTypeDesc.of(CD_int, CD_int)).iadd().istore(upper);
            outerFlat = i;
            code.iload(START).istore(i);
            Label test = code.newLabel(), done = code.newLabel();
            code.labelBinding(test);
            code.iload(i).iload(upper).if_icmpge(done);
            laneBody();
            code.iload(i).iload(len).iadd().istore(i);
            code.goto_(test);
            code.labelBinding(done);
            laneLocal.clear();
            loop(i, () -> code.iload(i), () -> code.iload(END), this::outerBody);
        } else {
            loops(() -> code.iload(START), () -> code.iload(END));
        }
        code.return_();
    }

    /** The loop nest, its outermost loop from {@code from} to {@code to} (pushed as ints). */
    private void loops(Runnable from, Runnable to) {
        List<Dim> outer = loop.outer();
        if (loop.flat() || outer.isEmpty()) {
            outerFlat = code.allocateLocal(TypeKind.INT);
            if (jam) jammed(v -> outerFlat = v, outerFlat, from, to);
            else loop(outerFlat, from, to, this::outerBody);
        } else if (jam && outer.size() == 1) {
            int i0 = code.allocateLocal(TypeKind.INT);
            varLocal[0] = i0;
            jammed(v -> varLocal[0] = v, i0, from, to);
        } else {
            int i0 = code.allocateLocal(TypeKind.INT);
            varLocal[0] = i0;
            loop(i0, from, to, () -> nested(1, outer.size(), this::outerBody));
        }
    }

    /**
     * A tail loop of the pass (see {@link Kernel.Reductions#tail}) over all its positions, in
     * this method: a compiler of its own on the same code, buffers and prologue sizes.
     */
    private void tail(Kernel.Loop t) {
        LoopCompiler c = new LoopCompiler(t, plan, false, buffers);
        c.code = code;
        c.bufferLocal.putAll(bufferLocal);
        c.dimLocal.putAll(dimLocal);
        Dim elements = Dim.of(1);
        for (Dim d : t.outer()) elements = elements.times(d);
        Dim range = t.flat() || t.outer().isEmpty() ? elements : t.outer().getFirst();
        c.loops(code::iconst_0, () -> c.dim(range));
    }

    /** Loops over variables {@code from..to-1} (extents from the loop's dims), then {@code then}. */
    private void nested(int from, int to, Runnable then) {
        if (from == to) {
            then.run();
            return;
        }
        int v = code.allocateLocal(TypeKind.INT);
        varLocal[from] = v;
        Dim e = extentOf(from);
        if (jam && from == loop.outer().size() - 1) {
            jammed(w -> varLocal[from] = w, v, code::iconst_0, () -> dim(e));
            return;
        }
        if (rowLanes && from == loop.outer().size() - 1) {
            // The row's whole vectors, then its last elements one by one.
            Label test = code.newLabel(), done = code.newLabel();
            code.iconst_0().istore(v);
            code.labelBinding(test);
            code.iload(v).iload(rowUpper).if_icmpge(done);
            laneBody();
            laneLocal.clear();
            code.iload(v).iload(laneCount).iadd().istore(v);
            code.goto_(test);
            code.labelBinding(done);
            loop(v, () -> code.iload(v), () -> dim(e), then);
            return;
        }
        if (from == to - 1 && e.isConstant() && e.constant() <= UNROLL && e.constant() * lets.size() * (jam ? JAM : 1) <= UNROLLED_LETS) {
            // A short innermost loop ([N, 2] with a broadcast bias) is written out: no loop
            // overhead per element, and C2 sees straight-line code.
            for (int c = 0; c < e.constant(); c++) {
                code.loadConstant(c).istore(v);
                then.run();
            }
            return;
        }
        loop(v, code::iconst_0, () -> dim(e), () -> nested(from + 1, to, then));
    }

    /**
     * Whether {@link #jammed} renders the loop: a reduction per position (not a full one, no
     * stores per position), over a last outer axis of at least {@link #JAM} positions or a
     * symbolic one, with few enough lets that the copies stay far from the JIT's method limit.
     */
    static boolean jams(Kernel.Loop loop) {
        if (loop.reduction().isEmpty() || loop.outer().isEmpty() || loop.isSplittable()) return false;
        Kernel.Reduction r = loop.reduction().get();
        if (!r.each().isEmpty()) return false;
        Dim last = loop.outer().getLast();
        if (loop.flat()) {
            last = Dim.of(1);
            for (Dim d : loop.outer()) last = last.times(d);
        }
        if (last.isConstant() && last.constant() < JAM) return false;
        return JAM * (loop.body().size() + r.body().size()) <= UNROLLED_LETS;
    }

    /**
     * The last outer axis (the flat variable of a flat loop) from {@code from} to {@code to},
     * {@link #JAM} positions at a time: each position its own f64 accumulator, the reduction's
     * loop nest run once for all of them (at each inner position, the positions' terms in
     * turn), then each position's body and store; the positions past the last whole group as
     * before. Every accumulator folds its terms in the order of the plain loop, so the bits are
     * the same. {@code at} points the variable at a local (the index code reads it from there).
     */
    private void jammed(IntConsumer at, int own, Runnable from, Runnable to) {
        Kernel.Reduction r = loop.reduction().orElseThrow();
        int base = code.allocateLocal(TypeKind.INT), upper = code.allocateLocal(TypeKind.INT);
        int[] position = new int[JAM], acc = new int[JAM];
        for (int k = 0; k < JAM; k++) {
            position[k] = code.allocateLocal(TypeKind.INT);
            acc[k] = code.allocateLocal(TypeKind.DOUBLE);
        }
        // upper = from + (to - from) / JAM * JAM, the end of the last whole group.
        from.run();
        code.istore(base);
        to.run();
        code.iload(base).isub().loadConstant(JAM).idiv().loadConstant(JAM).imul().iload(base).iadd().istore(upper);
        Label test = code.newLabel(), done = code.newLabel();
        code.labelBinding(test);
        code.iload(base).iload(upper).if_icmpge(done);
        for (int k = 0; k < JAM; k++) {
            code.iload(base).loadConstant(k).iadd().istore(position[k]);
            initAccumulator(r.fn(), acc[k]);
        }
        Runnable terms = () -> {
            for (int k = 0; k < JAM; k++) {
                at.accept(position[k]);
                fold(r.fn(), acc[k], () -> {
                    for (Let l : r.body()) let(l);
                    loadAsDouble(r.value());
                });
            }
        };
        int r0 = loop.outer().size();
        if (r.flat() || r.inner().isEmpty()) {
            innerFlat = code.allocateLocal(TypeKind.INT);
            loop(innerFlat, code::iconst_0, () -> dim(r.count()), terms);
        } else {
            nested(r0, r0 + r.inner().size(), terms);
        }
        for (int k = 0; k < JAM; k++) {
            at.accept(position[k]);
            accumulator = acc[k];
            for (Let l : loop.body()) let(l);
            store();
        }
        code.iload(base).loadConstant(JAM).iadd().istore(base);
        code.goto_(test);
        code.labelBinding(done);
        at.accept(own);
        loop(own, () -> code.iload(upper), to, this::outerBody);
    }

    private Dim extentOf(int variable) {
        int r = loop.outer().size();
        return variable < r ? loop.outer().get(variable) : loop.reduction().orElseThrow().inner().get(variable - r);
    }

    /**
     * A full reduction in two calls: {@code run(b, d, start, end)} folds chunks
     * {@code [start, end)} of the inner range into the f64 partials array (the last buffer);
     * {@code run(b, d, -1, chunks)} folds the partials in order, computes the body and stores.
     * When there is one chunk, {@code run(b, d, -2, 1)} does both in one call, the chunk's
     * accumulator going straight to the body: folding one partial into the identity gives the
     * partial itself (a sum that starts at +0 is never -0), so the bits are the two calls'.
     */
    private void splitReduction(Kernel.Reduction r) {
        int partials = code.allocateLocal(TypeKind.REFERENCE);
        code.aload(B).loadConstant(buffers.size()).aaload().checkcast(CD_double.arrayType()).astore(partials);
        accumulator = code.allocateLocal(TypeKind.DOUBLE);
        Label finish = code.newLabel(), body = code.newLabel();
        code.iload(START).iconst_m1().if_icmpeq(finish);
        // Assigned before the chunk loop too, so it is on every path to the body.
        initAccumulator(r);
        if (foldLanes) {
            species = code.allocateLocal(TypeKind.REFERENCE);
            laneCount = code.allocateLocal(TypeKind.INT);
            scratch = code.allocateLocal(TypeKind.REFERENCE);
            code.getstatic(vec, "SPECIES_PREFERRED", SPECIES).astore(species);
            code.aload(species).invokeinterface(SPECIES, "length", MethodTypeDesc.of(CD_int)).istore(laneCount);
            code.iload(laneCount).newarray(TypeKind.DOUBLE).astore(scratch);
            doubleSpecies = code.allocateLocal(TypeKind.REFERENCE);
            code.getstatic(DOUBLE_VECTOR, "SPECIES_PREFERRED", SPECIES).astore(doubleSpecies);
        }
        int c = code.allocateLocal(TypeKind.INT);
        int lo = code.allocateLocal(TypeKind.INT), hi = code.allocateLocal(TypeKind.INT);
        innerFlat = code.allocateLocal(TypeKind.INT);
        loop(c, this::firstChunk, () -> code.iload(END), () -> {
            initAccumulator(r);
            code.iload(c).loadConstant(Parallel.REDUCTION_CHUNK).imul().istore(lo);
            dim(r.count());
            code.iload(lo).loadConstant(Parallel.REDUCTION_CHUNK).iadd();
            code.invokestatic(ClassDesc.of(Math.class.getName()), "min", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            code.istore(hi);
            if (foldLanes) {
                // Whole vectors from lo: the values on lanes, stored per position, then folded
                // one lane at a time in order; the rest of the chunk as below.
                int upper = code.allocateLocal(TypeKind.INT), k = code.allocateLocal(TypeKind.INT);
                code.iload(lo).aload(species).iload(hi).iload(lo).isub()
                        .invokeinterface(SPECIES, "loopBound", MethodTypeDesc.of(CD_int, CD_int)).iadd().istore(upper);
                code.iload(lo).istore(innerFlat);
                Label test = code.newLabel(), done = code.newLabel();
                code.labelBinding(test);
                code.iload(innerFlat).iload(upper).if_icmpge(done);
                laneLets(r.body());
                for (Store each : r.each()) {
                    code.aload(laneLocal.get(each.value())).aload(bufferLocal.get(each.buffer())).iload(innerFlat)
                            .invokevirtual(vec, "intoArray", MethodTypeDesc.of(CD_void, laneArray, CD_int));
                }
                // f32 values widened on lanes (exact), half a vector at a time: the preferred f64
                // species has the same shape, so half the lanes. The fold then adds doubles from
                // memory, not one conversion per lane (Smooth's pass, one thread: 13.4 -> 11.8
                // ms). f64 values are stored as they are.
                if (laneType == DType.F64) {
                    code.aload(laneLocal.get(r.value())).aload(scratch).iconst_0()
                            .invokevirtual(DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_double.arrayType(), CD_int));
                }
                for (int part = 0; laneType == DType.F32 && part < 2; part++) {
                    code.aload(laneLocal.get(r.value())).getstatic(OPERATORS, "F2D", CONVERSION).aload(doubleSpecies).loadConstant(part)
                            .invokevirtual(vec, "convertShape", MethodTypeDesc.of(VECTOR, CONVERSION, SPECIES, CD_int))
                            .checkcast(DOUBLE_VECTOR).aload(scratch);
                    if (part == 0) {
                        code.iconst_0();
                    } else {
                        code.iload(laneCount).iconst_2().idiv();
                    }
                    code.invokevirtual(DOUBLE_VECTOR, "intoArray", MethodTypeDesc.of(CD_void, CD_double.arrayType(), CD_int));
                }
                loop(k, code::iconst_0, () -> code.iload(laneCount), () -> fold(r, () -> code.aload(scratch).iload(k).daload()));
                code.iload(innerFlat).iload(laneCount).iadd().istore(innerFlat);
                code.goto_(test);
                code.labelBinding(done);
                laneLocal.clear();
                code.iload(upper).istore(lo);
            }
            loop(innerFlat, () -> code.iload(lo), () -> code.iload(hi), () -> fold(r, () -> {
                for (Let l : r.body()) let(l);
                eachStore(r);
                loadAsDouble(r.value());
            }));
            Label kept = code.newLabel();
            code.iload(START).iflt(kept);
            code.aload(partials).iload(c).dload(accumulator).dastore();
            code.labelBinding(kept);
        });
        code.iload(START).iflt(body);
        code.return_();
        code.labelBinding(finish);
        initAccumulator(r);
        int p = code.allocateLocal(TypeKind.INT);
        loop(p, code::iconst_0, () -> code.iload(END), () -> fold(r, () -> code.aload(partials).iload(p).daload()));
        code.labelBinding(body);
        outerFlat = code.allocateLocal(TypeKind.INT);
        code.iconst_0().istore(outerFlat);
        for (Let l : loop.body()) let(l);
        store();
        code.return_();
    }

    /** The first chunk a call folds: {@code start}, or chunk 0 when the call folds the one chunk and stores ({@code -2}). */
    private void firstChunk() {
        code.iload(START).iconst_0();
        code.invokestatic(ClassDesc.of(Math.class.getName()), "max", MethodTypeDesc.of(CD_int, CD_int, CD_int));
    }

    /**
     * Several reductions over the same rows in two calls, as {@link #splitReduction}: chunks
     * {@code [start, end)} of the rows, each folding every accumulator (a double local each)
     * into the partials array (the last buffer), chunk {@code c}'s accumulators at
     * {@code c * accumulators}; then {@code run(b, d, -1, chunks)} folds each accumulator's
     * partials in chunk order and stores it. With one chunk, {@code run(b, d, -2, 1)} folds it
     * and stores the accumulators as they are (the same bits, see {@link #splitReduction}).
     * The rows' products of two f32 values fold as fused multiply-adds where the hardware has
     * them ({@link ExactProducts}).
     */
    private void rowReductions() {
        List<Kernel.Accumulator> accs = reductions.accumulators();
        int k = accs.size();
        int partials = code.allocateLocal(TypeKind.REFERENCE);
        code.aload(B).loadConstant(buffers.size()).aaload().checkcast(CD_double.arrayType()).astore(partials);
        int[] acc = new int[k];
        for (int a = 0; a < k; a++) acc[a] = code.allocateLocal(TypeKind.DOUBLE);
        Label finish = code.newLabel(), stores = code.newLabel();
        code.iload(START).iconst_m1().if_icmpeq(finish);
        // Assigned before the chunk loop too, so they are on every path to the stores.
        for (int a = 0; a < k; a++) initAccumulator(accs.get(a).fn(), acc[a]);
        int c = code.allocateLocal(TypeKind.INT);
        int lo = code.allocateLocal(TypeKind.INT), hi = code.allocateLocal(TypeKind.INT);
        int row = code.allocateLocal(TypeKind.INT);
        varLocal[0] = row;
        loop(c, this::firstChunk, () -> code.iload(END), () -> {
            for (int a = 0; a < k; a++) initAccumulator(accs.get(a).fn(), acc[a]);
            code.iload(c).loadConstant(Parallel.REDUCTION_CHUNK).imul().istore(lo);
            dim(reductions.rows());
            code.iload(lo).loadConstant(Parallel.REDUCTION_CHUNK).iadd();
            code.invokestatic(ClassDesc.of(Math.class.getName()), "min", MethodTypeDesc.of(CD_int, CD_int, CD_int));
            code.istore(hi);
            loop(row, () -> code.iload(lo), () -> code.iload(hi), () -> {
                for (Let l : loop.reduction().orElseThrow().body()) let(l);
                for (int a = 0; a < k; a++) {
                    for (int t : accs.get(a).terms()) foldTerm(accs.get(a).fn(), acc[a], t);
                }
            });
            Label kept = code.newLabel();
            code.iload(START).iflt(kept);
            for (int a = 0; a < k; a++) {
                code.aload(partials).iload(c).loadConstant(k).imul().loadConstant(a).iadd().dload(acc[a]).dastore();
            }
            code.labelBinding(kept);
        });
        code.iload(START).iflt(stores);
        code.return_();
        code.labelBinding(finish);
        int p = code.allocateLocal(TypeKind.INT);
        for (int a = 0; a < k; a++) {
            Kernel.Accumulator x = accs.get(a);
            int local = acc[a], at = a;
            initAccumulator(x.fn(), local);
            loop(p, code::iconst_0, () -> code.iload(END),
                    () -> fold(x.fn(), local, () -> code.aload(partials).iload(p).loadConstant(k).imul().loadConstant(at).iadd().daload()));
        }
        code.labelBinding(stores);
        for (int a = 0; a < k; a++) {
            Kernel.Accumulator x = accs.get(a);
            DType out = plan.buffer(x.buffer()).dtype();
            code.aload(bufferLocal.get(x.buffer())).loadConstant((int) x.element());
            code.dload(acc[a]);
            if (x.fn() == dev.modelc.compiler.graph.ReduceFn.MEAN) {
                dimLong(x.count());
                code.l2d();
                code.ddiv();
            }
            switch (out) {
                case F32 -> code.d2f().fastore();
                case F64 -> code.dastore();
                default -> throw new IllegalStateException("a row reduction of " + out);
            }
        }
        for (Kernel.Loop t : reductions.tail()) tail(t);
        code.return_();
    }

    /**
     * {@code acc += x * y} as one fused multiply-add when the term is a product of two f32
     * values in f64 ({@link ExactProducts}); otherwise the fold of the term's value.
     */
    private void foldTerm(dev.modelc.compiler.graph.ReduceFn fn, int accumulator, int term) {
        Expr.Binary product = exactProducts ? ExactProducts.product(lets.get(term), lets::get) : null;
        boolean sum = fn == dev.modelc.compiler.graph.ReduceFn.SUM || fn == dev.modelc.compiler.graph.ReduceFn.MEAN;
        if (product == null || !sum || !ExactProducts.hardware()) {
            fold(fn, accumulator, () -> loadAsDouble(term));
            return;
        }
        loadAsDouble(product.a());
        loadAsDouble(product.b());
        code.dload(accumulator);
        code.invokestatic(MATH, "fma", DDD_D);
        code.dstore(accumulator);
    }

    /** One vector of the loop: every let a FloatVector or DoubleVector (a VectorMask for a bool) in a local, then one intoArray. */
    private void laneBody() {
        laneLets(loop.body());
        code.aload(laneLocal.get(loop.store().value())).aload(bufferLocal.get(loop.store().buffer()));
        ownIndex();
        if (plan.buffer(loop.store().buffer()).dtype() == DType.BOOL) {
            code.invokevirtual(MASK, "intoArray", MethodTypeDesc.of(CD_void, java.lang.constant.ConstantDescs.CD_boolean.arrayType(), CD_int));
        } else {
            code.invokevirtual(vec, "intoArray", MethodTypeDesc.of(CD_void, laneArray, CD_int));
        }
    }

    /** Each let a vector of {@link #vec} (a VectorMask for a bool) in a local of {@link #laneLocal}. */
    private void laneLets(List<Let> body) {
        for (Let l : body) {
            switch (l.expr()) {
                case Expr.Load ld -> {
                    if (ld.index().isConstant() || rowLanes && ld.index().coefs().get(loop.outer().size() - 1).isConstant(0)) {
                        code.aload(species);
                        code.aload(bufferLocal.get(ld.buffer()));
                        index(ld.index());
                        if (laneType == DType.F64) code.daload();
                        else code.faload();
                        broadcast();
                    } else {
                        code.aload(species).aload(bufferLocal.get(ld.buffer()));
                        index(ld.index());
                        code.invokestatic(vec, "fromArray", MethodTypeDesc.of(vec, SPECIES, laneArray, CD_int));
                    }
                }
                case Expr.Constant c -> {
                    code.aload(species);
                    laneConstant(c.value());
                    broadcast();
                }
                case Expr.SizeOf z -> {
                    code.aload(species);
                    dimLong(z.size());
                    code.l2d();
                    if (laneType == DType.F32) code.d2f();
                    broadcast();
                }
                case Expr.Unary u -> {
                    code.aload(laneLocal.get(u.x()));
                    switch (u.fn()) {
                        case NEG -> code.invokevirtual(vec, "neg", MethodTypeDesc.of(vec));
                        case ABS -> code.invokevirtual(vec, "abs", MethodTypeDesc.of(vec));
                        case SQUARE -> code.dup().invokevirtual(vec, "mul", MethodTypeDesc.of(vec, VECTOR));
                        case RECIPROCAL -> {
                            // 1 / x, one correctly rounded division, as the scalar path.
                            int x = code.allocateLocal(TypeKind.REFERENCE);
                            code.astore(x).aload(species);
                            laneConstant(1);
                            broadcast();
                            code.aload(x).invokevirtual(vec, "div", MethodTypeDesc.of(vec, VECTOR));
                        }
                        case RELU -> {
                            // max(x, 0) keeps NaN and turns -0 into 0, as relu does.
                            code.aload(species);
                            laneConstant(0);
                            broadcast();
                            code.invokevirtual(vec, "max", MethodTypeDesc.of(vec, VECTOR));
                        }
                        case FLOOR, CEIL, ROUND, TRUNC -> integral(u.fn());
                        // Masks: IEEE tests, exact.
                        case ISNAN -> code.getstatic(OPERATORS, "IS_NAN", TEST).invokevirtual(vec, "test", TEST_OF);
                        case ISFINITE -> code.getstatic(OPERATORS, "IS_FINITE", TEST).invokevirtual(vec, "test", TEST_OF);
                        // Our own lane functions, copied into the loop (LaneMathInliner), not the Vector
                        // API's lanewise(EXP) and the like: JDK 25 computes those with Math per lane
                        // until C2 compiles the loop and with its SVML stubs after, different bits.
                        case EXP, LOG, LOG1P, SIN, COS, TANH -> {
                            if (laneType != DType.F32) throw new IllegalStateException(u.fn() + " has no " + laneType + " lanes");
                            LaneMathInliner.inline(code, u.fn());
                        }
                        // sqrt: correctly rounded, as Math.sqrt.
                        default -> {
                            code.getstatic(OPERATORS, u.fn().name(), UNARY_OPERATOR);
                            code.invokevirtual(vec, "lanewise", MethodTypeDesc.of(vec, UNARY_OPERATOR));
                        }
                    }
                }
                case Expr.Binary b when l.dtype() == DType.BOOL -> {
                    // A comparison of two f32 vectors: a mask.
                    code.aload(laneLocal.get(b.a())).getstatic(OPERATORS, b.fn().name(), COMPARISON).aload(laneLocal.get(b.b()))
                            .invokevirtual(vec, "compare", COMPARE_V);
                }
                // A mask as 0 or 1: zeros with ones blended in where it is set.
                case Expr.Convert c -> {
                    code.aload(species);
                    laneConstant(0);
                    broadcast();
                    code.aload(species);
                    laneConstant(1);
                    broadcast();
                    code.aload(laneLocal.get(c.x())).invokevirtual(vec, "blend", blend);
                }
                case Expr.Binary b -> {
                    code.aload(laneLocal.get(b.a())).aload(laneLocal.get(b.b()));
                    String method = switch (b.fn()) {
                        case ADD -> "add";
                        case SUB -> "sub";
                        case MUL -> "mul";
                        case DIV -> "div";
                        case MAX -> "max";
                        case MIN -> "min";
                        default -> throw new IllegalStateException(b.fn() + " has no lanes");
                    };
                    code.invokevirtual(vec, method, MethodTypeDesc.of(vec, VECTOR));
                }
                // b.blend(a, mask): a where the mask is set.
                case Expr.Select w -> code.aload(laneLocal.get(w.b())).aload(laneLocal.get(w.a())).aload(laneLocal.get(w.mask()))
                        .invokevirtual(vec, "blend", blend);
                default -> throw new IllegalStateException(l.expr() + " has no lanes");
            }
            int local = code.allocateLocal(TypeKind.REFERENCE);
            code.astore(local);
            laneLocal.put(l.id(), local);
        }
    }

    /**
     * floor, ceil, round (half to even) or trunc of the vector on the stack, with the scalar
     * path's bits: the Vector API has no such operation, so it is composed of exact ones. For
     * {@code |x| < 2^23}, {@code (|x| + 2^23) - 2^23} is {@code |x|} rounded to the nearest
     * integer, ties to even (float addition rounds so, and the spacing there is 1); one less
     * where that rounded up is {@code trunc(|x|)}; the sign of {@code x} goes back on (so
     * {@code trunc(-0.5)} is -0, as {@code Math.ceil} gives); floor and ceil then step down or up
     * where the truncation passed {@code x}. A float of magnitude 2^23 or more is an integer
     * already, and infinities and NaN are their own values: those lanes keep {@code x}.
     */
    private void integral(UnaryFn fn) {
        int x = code.allocateLocal(TypeKind.REFERENCE), a = code.allocateLocal(TypeKind.REFERENCE);
        int r = code.allocateLocal(TypeKind.REFERENCE);
        code.astore(x);
        code.aload(x).invokevirtual(vec, "abs", MethodTypeDesc.of(vec)).astore(a);
        code.aload(a).loadConstant(TWO_23).invokevirtual(vec, "add", vOfElement)
                .loadConstant(TWO_23).invokevirtual(vec, "sub", vOfElement).astore(r);
        if (fn != UnaryFn.ROUND) {
            // r.blend(r - 1, r > |x|): |x| truncated.
            code.aload(r).aload(r).loadConstant(1f).invokevirtual(vec, "sub", vOfElement);
            code.aload(r).getstatic(OPERATORS, "GT", COMPARISON).aload(a).invokevirtual(vec, "compare", COMPARE_V);
            code.invokevirtual(vec, "blend", blend).astore(r);
        }
        // r.blend(-r, x has its sign bit set): -0 stays -0.
        code.aload(r).aload(r).invokevirtual(vec, "neg", MethodTypeDesc.of(vec));
        code.aload(x).getstatic(OPERATORS, "IS_NEGATIVE", TEST).invokevirtual(vec, "test", TEST_OF);
        code.invokevirtual(vec, "blend", blend).astore(r);
        if (fn == UnaryFn.FLOOR || fn == UnaryFn.CEIL) {
            // r.blend(r -+ 1, r passed x).
            boolean floor = fn == UnaryFn.FLOOR;
            code.aload(r).aload(r).loadConstant(1f).invokevirtual(vec, floor ? "sub" : "add", vOfElement);
            code.aload(r).getstatic(OPERATORS, floor ? "GT" : "LT", COMPARISON).aload(x).invokevirtual(vec, "compare", COMPARE_V);
            code.invokevirtual(vec, "blend", blend).astore(r);
        }
        // x.blend(r, |x| < 2^23)
        code.aload(x).aload(r);
        code.aload(a).getstatic(OPERATORS, "LT", COMPARISON).loadConstant(TWO_23).invokevirtual(vec, "compare", compareElement);
        code.invokevirtual(vec, "blend", blend);
    }

    private void broadcast() {
        code.invokestatic(vec, "broadcast", MethodTypeDesc.of(vec, SPECIES, laneType == DType.F64 ? CD_double : CD_float));
    }

    /** Pushes {@code value} as a lane element: a float or a double. */
    private void laneConstant(double value) {
        if (laneType == DType.F64) code.loadConstant(value);
        else code.loadConstant((float) value);
    }

    private void initAccumulator(Kernel.Reduction r) {
        initAccumulator(r.fn(), accumulator);
    }

    private void initAccumulator(dev.modelc.compiler.graph.ReduceFn fn, int accumulator) {
        code.loadConstant(switch (fn) {
            case SUM, MEAN -> 0.0;
            case MAX -> Double.NEGATIVE_INFINITY;
            case MIN -> Double.POSITIVE_INFINITY;
            case LOGSUMEXP -> throw new IllegalStateException("logsumexp is a library call");
        });
        code.dstore(accumulator);
    }

    /** {@code acc = combine(acc, value)}, the value pushed (as a double) by {@code value}. */
    private void fold(Kernel.Reduction r, Runnable value) {
        fold(r.fn(), accumulator, value);
    }

    /** {@code acc = combine(acc, value)} on the double local {@code accumulator}. */
    private void fold(dev.modelc.compiler.graph.ReduceFn fn, int accumulator, Runnable value) {
        code.dload(accumulator);
        value.run();
        switch (fn) {
            case SUM, MEAN -> code.dadd();
            case MAX -> code.invokestatic(SCALARS, "maxNaN", DD_D);
            case MIN -> code.invokestatic(SCALARS, "minNaN", DD_D);
            case LOGSUMEXP -> throw new IllegalStateException();
        }
        code.dstore(accumulator);
    }

    /** {@code for (v = from; v < to; v++) body}, the bounds pushed by {@code from} and {@code to}. */
    private void loop(int v, Runnable from, Runnable to, Runnable body) {
        from.run();
        code.istore(v);
        Label test = code.newLabel(), done = code.newLabel();
        code.labelBinding(test);
        code.iload(v);
        to.run();
        code.if_icmpge(done);
        body.run();
        code.iinc(v, 1);
        code.goto_(test);
        code.labelBinding(done);
    }

    private void outerBody() {
        loop.reduction().ifPresent(r -> {
            accumulator = code.allocateLocal(TypeKind.DOUBLE);
            initAccumulator(r);
            Runnable inner = () -> fold(r, () -> {
                for (Let l : r.body()) let(l);
                eachStore(r);
                loadAsDouble(r.value());
            });
            int r0 = loop.outer().size();
            if (r.flat() || r.inner().isEmpty()) {
                innerFlat = code.allocateLocal(TypeKind.INT);
                loop(innerFlat, code::iconst_0, () -> dim(r.count()), inner);
            } else {
                nested(r0, r0 + r.inner().size(), inner);
            }
        });
        for (Let l : loop.body()) let(l);
        store();
    }

    /** The reduction's stores per position (a merged pass's results), at the flat inner position. */
    private void eachStore(Kernel.Reduction r) {
        if (r.each().isEmpty()) return;
        if (innerFlat < 0) throw new IllegalStateException("stores per position in a reduction that is not flat: " + loop.name());
        for (Store each : r.each()) {
            code.aload(bufferLocal.get(each.buffer()));
            code.iload(innerFlat);
            load(each.value());
            switch (plan.buffer(each.buffer()).dtype()) {
                case F32 -> code.fastore();
                case F64 -> code.dastore();
                case I32 -> code.d2i().iastore();
                case BOOL -> code.d2i().bastore();
            }
        }
    }

    /** The loop's value stored at its own position. */
    private void store() {
        DType out = plan.buffer(loop.store().buffer()).dtype();
        code.aload(bufferLocal.get(loop.store().buffer()));
        ownIndex();
        load(loop.store().value());
        switch (out) {
            case F32 -> code.fastore();
            case F64 -> code.dastore();
            case I32 -> {
                code.d2i();
                code.iastore();
            }
            case BOOL -> {
                code.d2i();
                code.bastore();
            }
        }
    }

    private void ownIndex() {
        if (outerFlat >= 0) {
            code.iload(outerFlat);
            return;
        }
        int vars = loop.variables();
        List<Affine> pos = new ArrayList<>();
        for (int a = 0; a < loop.outer().size(); a++) pos.add(Affine.variable(a, vars));
        index(Affine.flat(pos, loop.outer(), vars));
    }

    /** Pushes an affine index; variables of a flat group contribute the flat variable once. */
    private void index(Affine a) {
        dim(a.offset());
        int r = loop.outer().size();
        boolean outerMoves = false, innerMoves = false;
        for (int v = 0; v < a.coefs().size(); v++) {
            Dim c = a.coefs().get(v);
            if (c.isConstant(0)) continue;
            boolean isOuter = v < r;
            if (isOuter && outerFlat >= 0) {
                outerMoves = true;
                continue;
            }
            if (!isOuter && innerFlat >= 0) {
                innerMoves = true;
                continue;
            }
            code.iload(varLocal[v]);
            if (!c.isConstant(1)) {
                dim(c);
                code.imul();
            }
            code.iadd();
        }
        if (outerMoves) {
            code.iload(outerFlat);
            code.iadd();
        }
        if (innerMoves) {
            code.iload(innerFlat);
            code.iadd();
        }
    }

    private void let(Let l) {
        boolean f = l.dtype() == DType.F32;
        switch (l.expr()) {
            case Expr.Load ld -> {
                DType t = plan.buffer(ld.buffer()).dtype();
                code.aload(bufferLocal.get(ld.buffer()));
                index(ld.index());
                switch (t) {
                    case F32 -> code.faload();
                    case F64 -> code.daload();
                    case I32 -> {
                        code.iaload();
                        code.i2d();
                    }
                    case BOOL -> {
                        code.baload();
                        code.i2d();
                    }
                }
            }
            case Expr.Constant c -> {
                if (f) code.loadConstant((float) c.value());
                else code.loadConstant(c.value());
            }
            case Expr.SizeOf s -> {
                dimLong(s.size());
                code.l2d();
                if (f) code.d2f();
            }
            case Expr.Position p -> {
                index(p.index());
                code.i2d();
                if (f) code.d2f();
            }
            case Expr.Unary u -> unary(u, l);
            case Expr.Binary b -> binary(b, l.dtype());
            case Expr.Select s -> {
                loadAsDouble(s.mask());
                load(s.a());
                load(s.b());
                code.invokestatic(SCALARS, "select", f ? DFF_F : DDD_D);
            }
            case Expr.Convert c -> {
                loadAsDouble(c.x());
                switch (l.dtype()) {
                    case F32 -> code.d2f();
                    case F64 -> {
                    }
                    case I32 -> code.invokestatic(SCALARS, "toI32", D_D);
                    case BOOL -> code.invokestatic(SCALARS, "toBool", D_D);
                }
            }
            case Expr.Accumulated a -> {
                Kernel.Reduction r = loop.reduction().orElseThrow();
                code.dload(accumulator);
                if (r.fn() == dev.modelc.compiler.graph.ReduceFn.MEAN) {
                    dimLong(r.count());
                    code.l2d();
                    code.ddiv();
                }
                roundDouble(l.dtype());
                if (f) code.d2f();
            }
        }
        int local = code.allocateLocal(f ? TypeKind.FLOAT : TypeKind.DOUBLE);
        if (f) code.fstore(local);
        else code.dstore(local);
        letLocal.put(l.id(), local);
    }

    /** {@code fn(x)} as the kernel IR's {@link Arithmetic} says: a float instruction, or {@code Scalars} in f64 rounded once. */
    private void unary(Expr.Unary u, Let l) {
        DType t = l.dtype();
        if (laneTwins.contains(l.id()) && t == DType.F32 && LaneMathInliner.FUNCTIONS.contains(u.fn())) {
            load(u.x());
            code.invokestatic(LaneMathInliner.OWNER, u.fn().scalarsMethod(), F_F);
            return;
        }
        switch (u.arithmetic()) {
            case F32 -> {
                if (u.fn() == UnaryFn.RECIPROCAL) code.fconst_1();
                load(u.x());
                switch (u.fn()) {
                    case NEG -> code.fneg();
                    case SQUARE -> {
                        load(u.x());
                        code.fmul();
                    }
                    case ABS -> code.invokestatic(MATH, "abs", F_F);
                    // max(x, +0): x when x > 0 or NaN, else +0 (-0 is ordered below +0).
                    case RELU -> code.fconst_0().invokestatic(MATH, "max", FF_F);
                    case RECIPROCAL -> code.fdiv();
                    default -> throw new IllegalStateException(u.fn() + " has no float instruction");
                }
            }
            case F64 -> {
                loadAsDouble(u.x());
                code.invokestatic(SCALARS, u.fn().scalarsMethod(), D_D);
                narrow(t);
            }
        }
    }

    private void binary(Expr.Binary b, DType t) {
        if (exactProducts && t == DType.F64 && b.arithmetic() == Arithmetic.F64 && b.fn() == BinaryFn.ADD) {
            // x + p with p a product of two f32 values: one rounding either way (ExactProducts).
            Expr.Binary pb = ExactProducts.product(lets.get(b.b()), lets::get);
            Expr.Binary pa = pb == null ? ExactProducts.product(lets.get(b.a()), lets::get) : null;
            if ((pb != null || pa != null) && ExactProducts.hardware()) {
                Expr.Binary p = pb != null ? pb : pa;
                loadAsDouble(p.a());
                loadAsDouble(p.b());
                loadAsDouble(pb != null ? b.a() : b.b());
                code.invokestatic(MATH, "fma", DDD_D);
                return;
            }
        }
        switch (b.arithmetic()) {
            case F32 -> {
                load(b.a());
                load(b.b());
                switch (b.fn()) {
                    case ADD -> code.fadd();
                    case SUB -> code.fsub();
                    case MUL -> code.fmul();
                    case DIV -> code.fdiv();
                    case MAX -> code.invokestatic(MATH, "max", FF_F);
                    case MIN -> code.invokestatic(MATH, "min", FF_F);
                    default -> throw new IllegalStateException(b.fn() + " has no float instruction");
                }
            }
            case F64 -> {
                loadAsDouble(b.a());
                loadAsDouble(b.b());
                code.invokestatic(SCALARS, b.fn().scalarsMethod(), DD_D);
                narrow(t);
            }
        }
    }

    /** Rounds a double result to the let's dtype, as the interpreter rounds each node. */
    private void narrow(DType t) {
        if (t == DType.F32) code.d2f();
        else roundDouble(t);
    }

    private void roundDouble(DType t) {
        switch (t) {
            case I32 -> code.invokestatic(SCALARS, "wrapI32", D_D);
            case BOOL -> code.invokestatic(SCALARS, "toBool", D_D);
            default -> {
            }
        }
    }

    private void load(int let) {
        Let l = lets.get(let);
        if (l.dtype() == DType.F32) code.fload(letLocal.get(let));
        else code.dload(letLocal.get(let));
    }

    private void loadAsDouble(int let) {
        load(let);
        if (lets.get(let).dtype() == DType.F32) code.f2d();
    }

    /**
     * Pushes a size as an int: a constant, or the local the prologue computed it into. Locals
     * are never created here: this may run inside a loop (or in one copy of an unrolled loop),
     * and a local first stored there is unassigned, type {@code top}, after the loop.
     */
    private void dim(Dim d) {
        if (d.isConstant()) {
            code.loadConstant((int) d.constant());
            return;
        }
        Integer local = dimLocal.get(d);
        if (local == null) throw new IllegalStateException("size " + d + " is not among the loop's sizes (KernelOrder.dims)");
        code.iload(local);
    }

    /** Computes a symbolic size into a local, once, before any loop. */
    private void prologueDim(Dim d) {
        if (dimLocal.containsKey(d)) return;
        dimLong(d);
        code.l2i();
        int local = code.allocateLocal(TypeKind.INT);
        code.istore(local);
        dimLocal.put(d, local);
    }

    /** Pushes a size as a long: sum over terms of coefficient times the bound symbols. */
    private void dimLong(Dim d) {
        code.lconst_0();
        for (var term : d.terms().entrySet()) {
            code.loadConstant(term.getValue());
            for (String s : term.getKey()) {
                code.aload(D).loadConstant(plan.symbols().indexOf(s)).laload();
                code.lmul();
            }
            code.ladd();
        }
    }

    private static ClassDesc arrayOf(DType t) {
        return switch (t) {
            case F32 -> CD_float.arrayType();
            case F64 -> CD_double.arrayType();
            case I32 -> CD_int.arrayType();
            case BOOL -> java.lang.constant.ConstantDescs.CD_boolean.arrayType();
        };
    }
}
