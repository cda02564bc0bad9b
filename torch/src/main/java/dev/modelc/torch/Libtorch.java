package dev.modelc.torch;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * libtorch (PyTorch's C++ library, CPU) through DJL, started offline: DJL finds the native
 * libraries in the {@code pytorch-native-cpu} jar on the class path and extracts them into its
 * cache, so nothing is downloaded at run time (../shared/notes/LIBTORCH.md).
 */
public final class Libtorch {
    private static final List<String> OFFLINE = List.of("ai.djl.offline", "PYTORCH_FLAVOR", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR");

    private final Engine engine;

    private Libtorch(Engine engine) {
        this.engine = engine;
    }

    /**
     * The engine, on the calling thread with autograd recording (PyTorch's grad mode is per
     * thread; DJL leaves it off outside its gradient collector).
     *
     * @throws IllegalStateException when the JVM was started without the flags that keep DJL offline
     */
    public static Libtorch start() {
        for (String p : OFFLINE) {
            if (System.getProperty(p) == null) {
                throw new IllegalStateException("-D" + p + " is not set: run through scripts/torch-reference, which sets "
                        + "-Dai.djl.offline=true -DPYTORCH_FLAVOR=cpu -DDJL_CACHE_DIR=... -DENGINE_CACHE_DIR=...");
            }
        }
        Libtorch t = new Libtorch(Engine.getEngine("PyTorch"));
        JniUtils.setGradMode(true);
        return t;
    }

    /** libtorch's version, {@code 2.7.1}. */
    public String version() {
        return engine.getVersion();
    }

    /** The source line of a fixture: which libtorch, through which DJL, on which processor (its vector kernels differ). */
    public String describe() {
        return "libtorch " + version() + " (CPU, pytorch-native-cpu linux-x86_64) through DJL " + Engine.getDjlVersion()
                + " (ai.djl.pytorch:pytorch-engine, pytorch-jni " + version() + "-" + Engine.getDjlVersion() + ") on " + processor();
    }

    /** The processor's model name from /proc/cpuinfo, or the architecture. */
    private static String processor() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException e) {
            // Not Linux: the architecture is all there is to say.
        }
        return System.getProperty("os.arch");
    }
}
