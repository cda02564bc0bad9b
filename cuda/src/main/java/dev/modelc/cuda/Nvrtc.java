package dev.modelc.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NVRTC, the CUDA runtime compiler, through whichever binding loads here: JCuda's where
 * {@code libnvrtc.so.12} loads (its JNI library links that soname), else {@link ForeignNvrtc}
 * on a {@code libnvrtc.so.13} or {@code .so.12} found by {@link NvrtcLocator} (CUDA 13
 * machines have no .so.12, GPU.md).
 */
public sealed interface Nvrtc permits JCudaNvrtc, ForeignNvrtc {
    /** {@code 13.0}: the version, part of the kernel cache's key. */
    String version();

    /** {@code NVRTC 13.0 (Foreign Function binding, /usr/local/cuda-13.0/.../libnvrtc.so.13)}: which binding, for logs and reports. */
    String describe();

    /**
     * PTX for {@code source}; {@code name} names the program in NVRTC's messages.
     *
     * @throws NvrtcException when NVRTC rejects the source, with its log and the source
     */
    String compile(String source, String name, List<String> options);

    /** Why no binding loaded: the clause after "--backend cuda: ". */
    final class NotFound extends Exception {
        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The first binding that loads, trying JCuda's, then the Foreign Function binding on each {@link NvrtcLocator} candidate. */
    static Nvrtc find(Map<String, String> env, Path usrLocal) throws NotFound {
        List<String> failures = new ArrayList<>();
        if (loads("libnvrtc.so.12")) {
            try {
                return JCudaNvrtc.load();
            } catch (LinkageError | RuntimeException e) {
                failures.add("JCuda's NVRTC binding: " + e.getMessage());
            }
        }
        List<Path> candidates = new ArrayList<>(NvrtcLocator.candidates(env, usrLocal));
        for (String soname : NvrtcLocator.NAMES) candidates.add(Path.of(soname)); // the dynamic loader's own search
        for (Path p : candidates) {
            if (p.getParent() == null && !loads(p.toString())) continue;
            try {
                return ForeignNvrtc.load(p);
            } catch (IllegalArgumentException | IllegalStateException e) {
                failures.add(p + ": " + e.getMessage());
            }
        }
        throw new NotFound("no NVRTC found (" + NvrtcLocator.searched()
                + (failures.isEmpty() ? "" : "; " + String.join("; ", failures)) + ")");
    }

    /** Whether the dynamic loader finds a library by soname (LD_LIBRARY_PATH, the ld.so cache). */
    static boolean loads(String soname) {
        try (Arena a = Arena.ofConfined()) {
            SymbolLookup.libraryLookup(soname, a);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
