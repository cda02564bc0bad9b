package dev.modelc.cuda;

import dev.modelc.compiler.backend.Backend;
import dev.modelc.compiler.backend.BackendUnavailableException;
import dev.modelc.compiler.backend.cuda.LaunchGeometry;
import dev.modelc.runtime.DType;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through JCuda's driver API: its primary context, device memory, modules and launches.
 * This is the only class that touches {@link JCudaDriver}, and only after {@link CudaBackend}
 * found {@code libcuda.so.1}: JCuda's JNI library links it, so loading it anywhere else would
 * fail with a native stack trace rather than a sentence.
 */
final class CudaDevice {
    private static final Map<Integer, CudaDevice> OPEN = new HashMap<>();
    private static boolean initialized;

    final int ordinal;
    final String name;
    final int multiprocessors;
    final int major, minor;
    private final CUcontext context;

    private CudaDevice(int ordinal) {
        this.ordinal = ordinal;
        CUdevice device = new CUdevice();
        JCudaDriver.cuDeviceGet(device, ordinal);
        byte[] nameBytes = new byte[256];
        JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, device);
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) end++;
        this.name = new String(nameBytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
        this.multiprocessors = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        this.major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.context = new CUcontext();
        // The primary context: the one the CUDA runtime (and PyTorch) would share on this device.
        JCudaDriver.cuDevicePrimaryCtxRetain(context, device);
    }

    /** Starts the driver (once) and counts its devices. Errors are JCuda's {@code CudaException}s. */
    static synchronized int count() {
        if (!initialized) {
            JCudaDriver.setExceptionsEnabled(true);
            JCudaDriver.cuInit(0);
            initialized = true;
        }
        int[] n = new int[1];
        JCudaDriver.cuDeviceGetCount(n);
        return n[0];
    }

    /** Device {@code ordinal}, opened once per JVM. */
    static synchronized CudaDevice open(int ordinal) {
        int n = count();
        if (ordinal >= n) {
            throw new BackendUnavailableException(Backend.CUDA, "there is no device " + ordinal + " (this machine has "
                    + n + (n == 1 ? " GPU, device 0)" : " GPUs, devices 0 to " + (n - 1) + ")"));
        }
        return OPEN.computeIfAbsent(ordinal, CudaDevice::new);
    }

    /** {@code compute_90}: the virtual architecture NVRTC compiles PTX for; the driver finishes it for the exact GPU. */
    String arch() {
        return "compute_" + major + minor;
    }

    /** Binds this device's context to the calling thread (CUDA contexts are per thread). */
    void makeCurrent() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    CUdeviceptr alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, Math.max(1, bytes));
        return p;
    }

    void free(CUdeviceptr p) {
        JCudaDriver.cuMemFree(p);
    }

    void zero(CUdeviceptr p, long bytes) {
        if (bytes > 0) JCudaDriver.cuMemsetD8(p, (byte) 0, bytes);
    }

    void copy(CUdeviceptr dst, CUdeviceptr src, long bytes) {
        if (bytes > 0) JCudaDriver.cuMemcpyDtoD(dst, src, bytes);
    }

    /** Copies the first {@code n} elements of a storage array (float[], double[], int[] or boolean[]) to the device. */
    void upload(CUdeviceptr dst, Object array, int n) {
        if (n == 0) return;
        switch (array) {
            case float[] f -> JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(f), 4L * n);
            case double[] d -> JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(d), 8L * n);
            case int[] v -> JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(v), 4L * n);
            case boolean[] z -> {
                byte[] b = new byte[n];
                for (int i = 0; i < n; i++) b[i] = (byte) (z[i] ? 1 : 0);
                JCudaDriver.cuMemcpyHtoD(dst, Pointer.to(b), n);
            }
            default -> throw new IllegalArgumentException("not a storage array: " + array.getClass().getName());
        }
    }

    /** {@code n} elements of dtype {@code t} from the device, as a storage array. */
    Object download(CUdeviceptr src, DType t, int n) {
        return switch (t) {
            case F32 -> {
                float[] f = new float[n];
                if (n > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(f), src, 4L * n);
                yield f;
            }
            case F64 -> {
                double[] d = new double[n];
                if (n > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(d), src, 8L * n);
                yield d;
            }
            case I32 -> {
                int[] v = new int[n];
                if (n > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(v), src, 4L * n);
                yield v;
            }
            case BOOL -> {
                byte[] b = new byte[n];
                if (n > 0) JCudaDriver.cuMemcpyDtoH(Pointer.to(b), src, n);
                boolean[] z = new boolean[n];
                for (int i = 0; i < n; i++) z[i] = b[i] != 0;
                yield z;
            }
        };
    }

    CUmodule load(String ptx) {
        CUmodule m = new CUmodule();
        JCudaDriver.cuModuleLoadData(m, ptx);
        return m;
    }

    CUfunction function(CUmodule module, String name) {
        CUfunction f = new CUfunction();
        JCudaDriver.cuModuleGetFunction(f, module, name);
        return f;
    }

    /** Launches on the default stream; {@code args} points to an array of pointers to each argument. */
    void launch(CUfunction f, LaunchGeometry g, Pointer args) {
        JCudaDriver.cuLaunchKernel(f, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ(), 0, null, args, null);
    }

    void synchronize() {
        JCudaDriver.cuCtxSynchronize();
    }

    /** {@code NVIDIA H200 (device 0, sm_90, 132 multiprocessors)}. */
    String describe() {
        return name + " (device " + ordinal + ", sm_" + major + minor + ", " + multiprocessors + " multiprocessors)";
    }
}
