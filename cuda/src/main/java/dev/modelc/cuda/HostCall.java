package dev.modelc.cuda;

import dev.modelc.compiler.graph.Op;
import dev.modelc.compiler.kernel.Buffer;
import dev.modelc.compiler.kernel.Kernel;
import dev.modelc.compiler.kernel.KernelPlan;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.exec.Library;

/**
 * A library call that has no GPU kernel (logsumexp, pad, concat, one-hot, random initializers,
 * a flattened argmax), run on the host by the runtime's {@link Library}, as the JVM backends run
 * it: its operands copied down from the device, the result copied back up.
 */
final class HostCall {
    private HostCall() {
    }

    /** Runs {@code c} of {@code plan} with the sizes {@code d}, on the device buffers {@code pointers} (by buffer id). */
    static void run(Device device, KernelPlan plan, long[] d, Device.Memory[] pointers, Kernel.Call c, long seed) {
        int[] os = plan.shape(c.outShape(), d);
        Buffer outBuffer = plan.buffer(c.out());
        Object out = switch (outBuffer.dtype()) {
            case F32 -> new float[Tensor.numel(os)];
            case F64 -> new double[Tensor.numel(os)];
            case I32 -> new int[Tensor.numel(os)];
            case BOOL -> new boolean[Tensor.numel(os)];
        };
        Object[] in = new Object[c.inputs().size()];
        int[][] shapes = new int[in.length][];
        for (int i = 0; i < in.length; i++) {
            // The operand's own shape: a reshaped view reads its buffer in another shape.
            shapes[i] = plan.shape(c.inputShapes().get(i), d);
            Buffer b = plan.buffer(c.inputs().get(i));
            in[i] = device.download(pointers[b.id()], b.dtype(), Tensor.numel(shapes[i]));
        }
        Object x0 = in.length == 0 ? null : in[0];
        int[] xs = in.length == 0 ? null : shapes[0];
        switch (c.op()) {
            case Op.Softmax s -> Library.softmax(x0, xs, s.axis(), s.log(), out);
            case Op.Reduce r -> Library.logsumexp(x0, xs, r.axes().stream().mapToInt(Integer::intValue).toArray(), out);
            case Op.ArgReduce a -> Library.argReduce(a.max(), x0, xs, a.axis(), out);
            case Op.Pad p -> {
                long[] starts = new long[p.starts().size()];
                for (int i = 0; i < starts.length; i++) starts[i] = plan.size(p.starts().get(i), d);
                Library.pad(x0, xs, starts, p.steps().stream().mapToLong(Long::longValue).toArray(), os, out);
            }
            case Op.Concat cat -> Library.concat(in, shapes, cat.axis(), os, out);
            case Op.OneHot o -> Library.oneHot(x0, xs, o.classes(), out);
            case Op.Random r -> Library.random(r.distribution() == Op.Random.Distribution.NORMAL, r.a(), r.b(), seed,
                    r.stream(), Tensor.numel(os), out);
            default -> throw new IllegalStateException("no library call for " + c.op().label());
        }
        device.upload(pointers[c.out()], out, Tensor.numel(os));
    }
}
