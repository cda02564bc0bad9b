package dev.modelc.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * NVRTC through Java's Foreign Function and Memory API, on any {@code libnvrtc} whose C API is
 * the documented one (CUDA 12 and 13): the seven calls a compilation needs, no JNI library.
 * What JCuda's binding cannot do on a CUDA 13 machine, whose only NVRTC is {@code .so.13}.
 */
final class ForeignNvrtc implements Nvrtc {
    private static final Linker LINKER = Linker.nativeLinker();

    private final Path library;
    private final String version;
    private final MethodHandle create, compile, logSize, log, ptxSize, ptx, destroy, errorString;

    private ForeignNvrtc(Path library, SymbolLookup lib) throws Throwable {
        this.library = library;
        // nvrtcResult nvrtcVersion(int* major, int* minor)
        MethodHandle versionCall = handle(lib, "nvrtcVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // nvrtcResult nvrtcCreateProgram(nvrtcProgram* prog, const char* src, const char* name, int numHeaders,
        //                                const char* const* headers, const char* const* includeNames)
        create = handle(lib, "nvrtcCreateProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        // nvrtcResult nvrtcCompileProgram(nvrtcProgram prog, int numOptions, const char* const* options)
        compile = handle(lib, "nvrtcCompileProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        logSize = handle(lib, "nvrtcGetProgramLogSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        log = handle(lib, "nvrtcGetProgramLog", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptxSize = handle(lib, "nvrtcGetPTXSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        ptx = handle(lib, "nvrtcGetPTX", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        // nvrtcResult nvrtcDestroyProgram(nvrtcProgram* prog)
        destroy = handle(lib, "nvrtcDestroyProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        // const char* nvrtcGetErrorString(nvrtcResult result)
        errorString = handle(lib, "nvrtcGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT), minor = a.allocate(JAVA_INT);
            check((int) versionCall.invokeExact(major, minor), "nvrtcVersion");
            version = major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        }
    }

    /**
     * Binds the library at {@code library}: a path, or a bare soname for the dynamic loader's
     * own search. The library stays loaded for the life of the JVM.
     *
     * @throws IllegalArgumentException when it does not load
     * @throws IllegalStateException when it lacks a function or nvrtcVersion fails
     */
    static ForeignNvrtc load(Path library) {
        SymbolLookup lib = library.getParent() == null
                ? SymbolLookup.libraryLookup(library.toString(), Arena.global())
                : SymbolLookup.libraryLookup(library, Arena.global());
        try {
            return new ForeignNvrtc(library, lib);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("binding " + library + " failed: " + t, t);
        }
    }

    private static MethodHandle handle(SymbolLookup lib, String name, FunctionDescriptor d) {
        MemorySegment f = lib.find(name).orElseThrow(() -> new IllegalStateException("it has no function " + name));
        return LINKER.downcallHandle(f, d);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String describe() {
        return "NVRTC " + version + " (Foreign Function binding, " + library + ")";
    }

    @Override
    public String compile(String source, String name, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment programOut = a.allocate(ADDRESS);
            check((int) create.invokeExact(programOut, a.allocateFrom(source, StandardCharsets.UTF_8),
                    a.allocateFrom(name, StandardCharsets.UTF_8), 0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
            MemorySegment program = programOut.get(ADDRESS, 0);
            try {
                MemorySegment opts = a.allocate(ADDRESS, Math.max(1, options.size()));
                for (int i = 0; i < options.size(); i++) opts.setAtIndex(ADDRESS, i, a.allocateFrom(options.get(i), StandardCharsets.UTF_8));
                int status = (int) compile.invokeExact(program, options.size(), opts);
                if (status != 0) throw new NvrtcException(name, error(status) + "\n" + text(a, program, logSize, log), source);
                return text(a, program, ptxSize, ptx);
            } finally {
                int ignored = (int) destroy.invokeExact(programOut);
            }
        } catch (NvrtcException | IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("calling NVRTC failed: " + t, t);
        }
    }

    /** A string NVRTC hands out by size-then-copy (the log, the PTX); the size counts the terminating NUL. */
    private static String text(Arena a, MemorySegment program, MethodHandle sizeCall, MethodHandle copyCall) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        check((int) sizeCall.invokeExact(program, size), "size query");
        long n = size.get(JAVA_LONG, 0);
        if (n <= 1) return "";
        MemorySegment buf = a.allocate(n);
        check((int) copyCall.invokeExact(program, buf), "copy");
        return buf.getString(0, StandardCharsets.UTF_8);
    }

    private String error(int status) throws Throwable {
        MemorySegment s = (MemorySegment) errorString.invokeExact(status);
        return s.equals(MemorySegment.NULL) ? "NVRTC error " + status : s.reinterpret(256).getString(0, StandardCharsets.UTF_8);
    }

    private static void check(int status, String call) {
        if (status != 0) throw new IllegalStateException(call + " returned NVRTC error " + status);
    }
}
