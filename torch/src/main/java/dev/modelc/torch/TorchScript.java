package dev.modelc.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A function of one tensor {@code x} written in TorchScript, PyTorch's own spelling
 * ({@code torch.gelu(x, approximate="tanh")}), compiled by libtorch's TorchScript compiler and run
 * with autograd recording. DJL has Java methods for only some of PyTorch's ops (no silu, exp2,
 * rsqrt or gelu's tanh form); TorchScript reaches every ATen op, exactly as PyTorch runs it. A
 * {@link #program} is a whole module's methods, for loops over several tensors (a training run).
 *
 * <p>The module is the archive {@code torch.jit.save} writes, made by hand: the class's source in
 * {@code code/__torch__.py} (which libtorch compiles when it loads), the pickled module object
 * (no params, {@code training = True}) and the file-format version. Version 10 is the current one:
 * below it libtorch upgrades calls to old operator schemas, and {@code approximate} is unknown.
 */
public final class TorchScript implements AutoCloseable {
    private final PtSymbolBlock module;
    private final ParameterStore store;
    private final String expression;

    private TorchScript(PtSymbolBlock module, ParameterStore store, String expression) {
        this.module = module;
        this.store = store;
        this.expression = expression;
    }

    /** {@code expression} (TorchScript, of the Tensor {@code x}) compiled as the forward of a module held by {@code manager}. */
    public static TorchScript of(String expression, NDManager manager) {
        return module("""
                def forward(self: __torch__.Function,
                  x: Tensor) -> Tensor:
                  return %s
                """.formatted(expression), expression, manager);
    }

    /**
     * A whole program: {@code methods} (TorchScript source, indented by 0) are the methods of the
     * module, one of them {@code def forward(self: __torch__.Function, ...)} with typed Tensor
     * arguments, which {@link #run} calls. For what one expression cannot say: loops, several
     * inputs and outputs, {@code torch.autograd.grad}, Python-float arithmetic.
     */
    public static TorchScript program(String methods, NDManager manager) {
        return module(methods, methods, manager);
    }

    /** Runs a {@link #program}'s forward on {@code inputs}; a tuple or list it returns comes back flattened, in order. */
    public NDList run(NDList inputs) {
        return module.forward(store, inputs, true);
    }

    /** The module of {@code methods}; {@code expression} is what {@link #expression} says of it. */
    private static TorchScript module(String methods, String expression, NDManager manager) {
        String code = """
                class Function(Module):
                  __parameters__ = []
                  __buffers__ = []
                  training : bool
                """ + methods.stripTrailing().lines().map(l -> "  " + l).collect(java.util.stream.Collectors.joining("\n", "", "\n"));
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(archive)) {
            stored(zip, "archive/data.pkl", moduleObject());
            stored(zip, "archive/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            stored(zip, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});  // an empty tuple
            stored(zip, "archive/version", "10\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            PtSymbolBlock module = JniUtils.loadModule((PtNDManager) manager, new ByteArrayInputStream(archive.toByteArray()), true, false);
            return new TorchScript(module, new ParameterStore(manager, false), expression);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The expression applied to {@code x}; the result joins x's autograd graph when x requires a gradient. */
    public NDArray apply(NDArray x) {
        return module.forward(store, new NDList(x), true).singletonOrThrow();
    }

    public String expression() {
        return expression;
    }

    @Override
    public void close() {
        module.close();
    }

    /**
     * The pickle (protocol 2) of an instance of {@code __torch__.Function} whose state is
     * {@code {"training": True}}: GLOBAL, EMPTY_TUPLE, NEWOBJ, EMPTY_DICT, MARK, BINUNICODE,
     * NEWTRUE, SETITEMS, BUILD, STOP.
     */
    private static byte[] moduleObject() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes("c__torch__\nFunction\n".getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        p.write('(');
        byte[] name = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[] {(byte) name.length, 0, 0, 0});
        p.writeBytes(name);
        p.write(0x88);
        p.write('u');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }

    /** Uncompressed, as torch.jit.save writes its entries. */
    private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        zip.putNextEntry(e);
        zip.write(data);
        zip.closeEntry();
    }
}
