package dev.modelc.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceKernel;
import dev.modelc.runtime.device.LaunchGeometry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Device} that runs the generated CUDA C on the CPU: each program is compiled as C++
 * by the system's g++ with {@code emu/cuda_emulation.h} (threadIdx, __syncthreads, atomicAdd,
 * ... over POSIX threads), loaded with {@code java.lang.foreign}, and launched through a
 * wrapper per kernel that takes the same argument array cuLaunchKernel does. Memory is native
 * memory. What it checks is the kernels' arithmetic, indexing, reductions and the runtime's
 * launches and buffers, on machines without a GPU; not speed, not NVRTC, not the driver.
 */
final class EmulatedDevice implements Device {
    private record HostMemory(MemorySegment segment) implements Memory {
    }

    private static final String BUILT_INS = """
            #pragma %s("threadIdx")
            #pragma %s("blockIdx")
            #pragma %s("blockDim")
            #pragma %s("gridDim")
            """;

    private final Arena arena = Arena.ofShared();
    private final Path dir;
    private final int multiprocessors;
    /** By CUDA C source. */
    private final Map<String, Program> loaded = new HashMap<>();
    private int libraries;

    EmulatedDevice(Path dir, int multiprocessors) {
        this.dir = dir;
        this.multiprocessors = multiprocessors;
    }

    /** Whether g++ is installed, for the tests' assumption. */
    static boolean available() {
        try {
            Process p = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public String describe() {
        return "CUDA C emulated on the CPU (" + multiprocessors + " multiprocessors)";
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public void bind() {
    }

    @Override
    public synchronized Program load(DeviceCode program) {
        Program p = loaded.get(program.source());
        if (p == null) {
            compile(List.of(program));
            p = loaded.get(program.source());
        }
        return p;
    }

    /**
     * Compiles programs together, as one library (g++ starts once: most of its time for a small
     * program), each in its own namespace, so that {@link #load} finds them compiled.
     */
    synchronized void compile(List<DeviceCode> programs) {
        try {
            Path header = dir.resolve("cuda_emulation.h");
            if (!Files.exists(header)) {
                try (InputStream in = EmulatedDevice.class.getResourceAsStream("/emu/cuda_emulation.h")) {
                    Files.write(header, in.readAllBytes());
                }
            }
            String base = "lib" + libraries++;
            StringBuilder src = new StringBuilder();
            Map<String, Map<String, Integer>> cooperative = new LinkedHashMap<>();
            Map<String, String> namespaces = new HashMap<>();
            for (DeviceCode program : programs) {
                if (loaded.containsKey(program.source()) || namespaces.containsKey(program.source())) continue;
                String ns = base + "_p" + namespaces.size();
                namespaces.put(program.source(), ns);
                // In a namespace, the kernels' names need C++ linkage: only the wrappers are extern "C".
                // The built-ins' macros saved and restored around each program: a step kernel's program binds their names
                // to its virtual launch (StepKernel).
                src.append(BUILT_INS.replace("%s", "push_macro")).append("namespace ").append(ns).append(" {\n")
                        .append(program.source().replace("extern \"C\" ", "")).append("}\n").append(BUILT_INS.replace("%s", "pop_macro"));
                Map<String, Integer> kinds = new LinkedHashMap<>();
                for (DeviceKernel k : program.kernels()) {
                    List<String> functions = switch (k) {
                        case DeviceKernel.Elementwise e -> List.of(e.function());
                        case DeviceKernel.Reduction r -> List.of(r.function());
                        case DeviceKernel.MatMul m -> {
                            List<String> all = new ArrayList<>();
                            for (int micro : LaunchGeometry.MICRO_TILES) all.add(LaunchGeometry.matmulFunction(m.function(), micro));
                            all.add(m.splitFunction());
                            all.add(LaunchGeometry.fewOutputsFunction(m.splitFunction()));
                            yield all;
                        }
                        case DeviceKernel.Library l -> List.of(l.function());
                        case DeviceKernel.PerOutput p -> List.of(p.function());
                        case DeviceKernel.Checked c -> List.of(c.function());
                        case DeviceKernel.Host h -> List.of();
                    };
                    for (String f : functions) {
                        // Elementwise loops and row kernels never meet at __syncthreads: their threads may run one after another.
                        kinds.put(f, k instanceof DeviceKernel.Elementwise || k instanceof DeviceKernel.Library ? 0 : 1);
                        src.append("extern \"C\" void emu_").append(ns).append('_').append(f)
                                .append("(void** a, const int* g, int c) { emu::launch(").append(ns).append("::").append(f)
                                .append(", a, g, c); }\n");
                    }
                }
                cooperative.put(program.source(), kinds);
            }
            if (namespaces.isEmpty()) return;
            Path cpp = dir.resolve(base + ".cpp"), lib = dir.resolve(base + ".so");
            Files.writeString(cpp, src);
            Process cc = new ProcessBuilder("g++", "-std=c++17", "-O0", "-ffp-contract=off", "-fPIC", "-shared", "-w",
                    "-include", header.toString(), "-o", lib.toString(), cpp.toString(), "-lpthread")
                    .redirectErrorStream(true).start();
            String log = new String(cc.getInputStream().readAllBytes());
            if (!cc.waitFor(300, TimeUnit.SECONDS) || cc.exitValue() != 0) {
                throw new IllegalStateException("g++ could not compile " + cpp + ":\n" + log);
            }
            SymbolLookup symbols = SymbolLookup.libraryLookup(lib, arena);
            Linker linker = Linker.nativeLinker();
            for (var program : cooperative.entrySet()) {
                String ns = namespaces.get(program.getKey());
                Map<String, MethodHandle> handles = new HashMap<>();
                for (String f : program.getValue().keySet()) {
                    handles.put(f, linker.downcallHandle(symbols.find("emu_" + ns + "_" + f).orElseThrow(),
                            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_INT)));
                }
                loaded.put(program.getKey(), launcher(handles, program.getValue()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Program launcher(Map<String, MethodHandle> handles, Map<String, Integer> cooperative) {
        return (function, g, args) -> {
                try (Arena call = Arena.ofConfined()) {
                    MemorySegment array = call.allocate(ADDRESS, args.size());
                    for (int i = 0; i < args.size(); i++) {
                        MemorySegment slot = call.allocate(JAVA_LONG);
                        switch (args.get(i)) {
                            case HostMemory m -> slot.set(JAVA_LONG, 0, m.segment().address());
                            case Long v -> slot.set(JAVA_LONG, 0, v);
                            default -> throw new IllegalArgumentException("kernel argument " + args.get(i));
                        }
                        array.setAtIndex(ADDRESS, i, slot);
                    }
                    MemorySegment geometry = call.allocateFrom(JAVA_INT, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ());
                    handles.get(function).invokeExact(array, geometry, (int) cooperative.get(function));
                } catch (Throwable t) {
                    throw new IllegalStateException("launch of " + function + " failed: " + t, t);
                }
            };
    }

    @Override
    public Memory alloc(long bytes) {
        return new HostMemory(arena.allocate(Math.max(8, bytes), 16));
    }

    @Override
    public void free(Memory m) {
        // Freed with the arena, when the test ends.
    }

    @Override
    public void zero(Memory m, long bytes) {
        seg(m).asSlice(0, bytes).fill((byte) 0);
    }

    @Override
    public void copy(Memory dst, Memory src, long bytes) {
        MemorySegment.copy(seg(src), 0, seg(dst), 0, bytes);
    }

    private static MemorySegment seg(Memory m) {
        return ((HostMemory) m).segment();
    }

    @Override
    public void upload(Memory dst, Object array, int n) {
        MemorySegment s = seg(dst);
        switch (array) {
            case float[] f -> MemorySegment.copy(f, 0, s, JAVA_FLOAT, 0, n);
            case double[] d -> MemorySegment.copy(d, 0, s, JAVA_DOUBLE, 0, n);
            case int[] v -> MemorySegment.copy(v, 0, s, JAVA_INT, 0, n);
            case boolean[] z -> {
                for (int i = 0; i < n; i++) s.set(JAVA_BYTE, i, (byte) (z[i] ? 1 : 0));
            }
            default -> throw new IllegalArgumentException("not a storage array: " + array.getClass().getName());
        }
    }

    @Override
    public Object download(Memory src, DType t, int n) {
        MemorySegment s = seg(src);
        return switch (t) {
            case F32 -> {
                float[] f = new float[n];
                MemorySegment.copy(s, JAVA_FLOAT, 0, f, 0, n);
                yield f;
            }
            case F64 -> {
                double[] d = new double[n];
                MemorySegment.copy(s, JAVA_DOUBLE, 0, d, 0, n);
                yield d;
            }
            case I32 -> {
                int[] v = new int[n];
                MemorySegment.copy(s, JAVA_INT, 0, v, 0, n);
                yield v;
            }
            case BOOL -> {
                boolean[] z = new boolean[n];
                for (int i = 0; i < n; i++) z[i] = s.get(JAVA_BYTE, i) != 0;
                yield z;
            }
        };
    }
}
