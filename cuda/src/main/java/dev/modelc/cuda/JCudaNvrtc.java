package dev.modelc.cuda;

import java.util.List;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;

/** NVRTC through JCuda's JNI binding, which needs {@code libnvrtc.so.12} (CUDA 12 machines). */
final class JCudaNvrtc implements Nvrtc {
    private final String version;

    private JCudaNvrtc(String version) {
        this.version = version;
    }

    /** Loads JCuda's NVRTC library (and with it libnvrtc.so.12). */
    static JCudaNvrtc load() {
        int[] major = new int[1], minor = new int[1];
        check(JNvrtc.nvrtcVersion(major, minor), "nvrtcVersion");
        return new JCudaNvrtc(major[0] + "." + minor[0]);
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public String describe() {
        return "NVRTC " + version + " (JCuda's binding, libnvrtc.so.12)";
    }

    @Override
    public String compile(String source, String name, List<String> options) {
        nvrtcProgram program = new nvrtcProgram();
        check(JNvrtc.nvrtcCreateProgram(program, source, name, 0, null, null), "nvrtcCreateProgram");
        try {
            int status = JNvrtc.nvrtcCompileProgram(program, options.size(), options.toArray(String[]::new));
            if (status != nvrtcResult.NVRTC_SUCCESS) {
                String[] log = new String[1];
                JNvrtc.nvrtcGetProgramLog(program, log);
                throw new NvrtcException(name, nvrtcResult.stringFor(status) + "\n" + log[0], source);
            }
            String[] ptx = new String[1];
            check(JNvrtc.nvrtcGetPTX(program, ptx), "nvrtcGetPTX");
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(program);
        }
    }

    private static void check(int status, String call) {
        if (status != nvrtcResult.NVRTC_SUCCESS) throw new IllegalStateException(call + ": " + nvrtcResult.stringFor(status));
    }
}
