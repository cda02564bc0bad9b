package dev.modelc.compiler.backend.bytecode;

import dev.modelc.compiler.graph.UnaryFn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.PseudoInstruction;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes {@code dev.modelc.runtime.exec.LaneMath}'s functions into a generated loop by copying
 * their bytecode, rather than calling them: C2 inlines a call only when its heuristics say so
 * (size, the loop's node count), and a call it leaves out of line passes each vector as an object,
 * many times slower (Smooth's pass took 7x the time with calls). The Vector API's own methods are
 * always inlined ({@code @ForceInline}), so copied code compiles as if written in the loop. The
 * copy is the runtime's method itself, read from its class file, so the loop and
 * {@code LaneMath} (which the tests call) cannot disagree. The copied methods' locals get fresh
 * locals of the loop, their labels fresh labels, their return a jump to the end; calls of
 * {@code LaneMath}'s private methods are copied too, its public ones (the rare {@code far} lanes)
 * stay calls; anything else of the class (a field that is not a compile-time constant, a
 * switch, an exception handler, an invokedynamic) is refused, so the runtime class must stay within that.
 */
final class LaneMathInliner {
    private LaneMathInliner() {
    }

    static final ClassDesc OWNER = ClassDesc.of("dev.modelc.runtime.exec.LaneMath");
    private static final ClassDesc FLOAT_VECTOR = ClassDesc.of("jdk.incubator.vector.FloatVector");
    /** The signature of every function the loops take: one f32 vector to one. */
    static final MethodTypeDesc UNARY = MethodTypeDesc.of(FLOAT_VECTOR, FLOAT_VECTOR);
    /** The functions it writes; their name in {@code LaneMath} is {@link UnaryFn#scalarsMethod()}. */
    static final Set<UnaryFn> FUNCTIONS = Set.of(UnaryFn.EXP, UnaryFn.LOG, UnaryFn.LOG1P, UnaryFn.SIN, UnaryFn.COS, UnaryFn.TANH);

    /** The class file, read once; loaded as a resource, never as a class (that needs the vector module). */
    private static final class Holder {
        static final ClassModel MODEL = read();

        private static ClassModel read() {
            String resource = OWNER.descriptorString().substring(1, OWNER.descriptorString().length() - 1) + ".class";
            try (InputStream in = LaneMathInliner.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) throw new IllegalStateException(resource + " is not on the class path");
                return ClassFile.of().parse(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes {@code fn} of the f32 vector on the stack, leaving its result there. */
    static void inline(CodeBuilder code, UnaryFn fn) {
        if (!FUNCTIONS.contains(fn)) throw new IllegalArgumentException(fn + " is not a LaneMath function");
        inline(code, method(fn.scalarsMethod(), UNARY));
    }

    /** The bytes of code {@code fn} adds to a loop: its method and the private methods it calls, each copy counted. */
    static int size(UnaryFn fn) {
        return size(method(fn.scalarsMethod(), UNARY));
    }

    private static int size(MethodModel m) {
        int bytes = 0;
        for (CodeElement e : code(m)) {
            if (e instanceof Instruction i) bytes += i.sizeInBytes();
            if (e instanceof InvokeInstruction call && copied(call)) bytes += size(method(call.name().stringValue(), call.typeSymbol()));
        }
        return bytes;
    }

    private static MethodModel method(String name, MethodTypeDesc type) {
        for (MethodModel m : Holder.MODEL.methods()) {
            if (m.methodName().equalsString(name) && m.methodTypeSymbol().equals(type) && m.flags().has(AccessFlag.STATIC)) return m;
        }
        throw new IllegalStateException("LaneMath has no static " + name + type.displayDescriptor());
    }

    private static CodeModel code(MethodModel m) {
        return m.code().orElseThrow(() -> new IllegalStateException("LaneMath." + m.methodName() + " has no code"));
    }

    /** Whether a call in a copied method is copied too: a private static method of {@code LaneMath}. */
    private static boolean copied(InvokeInstruction call) {
        if (!call.owner().asSymbol().equals(OWNER)) return false;
        return method(call.name().stringValue(), call.typeSymbol()).flags().has(AccessFlag.PRIVATE);
    }

    /** Copies {@code m}, its arguments on the stack, leaving its result there. */
    private static void inline(CodeBuilder code, MethodModel m) {
        CodeModel body = code(m);
        Map<Long, Integer> locals = new HashMap<>();
        Map<Label, Label> labels = new HashMap<>();
        // The arguments, last first, into fresh locals standing for the method's first slots.
        List<ClassDesc> params = m.methodTypeSymbol().parameterList();
        int[] slots = new int[params.size()];
        for (int p = 0, slot = 0; p < params.size(); p++) {
            slots[p] = slot;
            slot += TypeKind.from(params.get(p)).slotSize();
        }
        for (int p = params.size() - 1; p >= 0; p--) {
            TypeKind kind = TypeKind.from(params.get(p)).asLoadable();
            code.storeLocal(kind, local(code, locals, slots[p], kind));
        }
        Label end = code.newLabel();
        List<CodeElement> elements = body.elementList();
        Instruction last = null;
        for (CodeElement e : elements) if (e instanceof Instruction i) last = i;
        for (CodeElement e : elements) {
            switch (e) {
                case LoadInstruction l -> code.loadLocal(l.typeKind(), local(code, locals, l.slot(), l.typeKind()));
                case StoreInstruction s -> code.storeLocal(s.typeKind(), local(code, locals, s.slot(), s.typeKind()));
                case IncrementInstruction i -> code.iinc(local(code, locals, i.slot(), TypeKind.INT), i.constant());
                case BranchInstruction b -> code.branch(b.opcode(), labels.computeIfAbsent(b.target(), x -> code.newLabel()));
                case LabelTarget t -> code.labelBinding(labels.computeIfAbsent(t.label(), x -> code.newLabel()));
                // The result stays on the stack; a return before the last instruction jumps to the end.
                case ReturnInstruction r -> {
                    if (r != last) code.goto_(end);
                }
                case InvokeInstruction call when copied(call) -> inline(code, method(call.name().stringValue(), call.typeSymbol()));
                case FieldInstruction f when f.owner().asSymbol().equals(OWNER) ->
                        throw new IllegalStateException("LaneMath." + m.methodName() + " reads field " + f.name() + ": only constants can be copied");
                case TableSwitchInstruction s -> throw new IllegalStateException("LaneMath." + m.methodName() + " has a switch");
                case LookupSwitchInstruction s -> throw new IllegalStateException("LaneMath." + m.methodName() + " has a switch");
                case ExceptionCatch c -> throw new IllegalStateException("LaneMath." + m.methodName() + " catches exceptions");
                // A lambda or string concatenation would link against LaneMath's private members from the loop's class.
                case InvokeDynamicInstruction d -> throw new IllegalStateException("LaneMath." + m.methodName() + " has an invokedynamic");
                case Instruction i -> code.with(i);
                // Line numbers, local variable names: they describe the runtime's source, not the loop.
                case PseudoInstruction p -> {
                }
                default -> {
                }
            }
        }
        code.labelBinding(end);
    }

    /** The loop's local standing for the copied method's {@code slot} holding a {@code kind}. */
    private static int local(CodeBuilder code, Map<Long, Integer> locals, int slot, TypeKind kind) {
        return locals.computeIfAbsent((long) slot << 8 | kind.ordinal(), k -> code.allocateLocal(kind));
    }
}
