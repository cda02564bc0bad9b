package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;
import dev.modelc.runtime.device.DeviceUnavailableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * One GPU through JCuda's driver API: its primary context, device memory, modules and launches;
 * programs are compiled by NVRTC (or read from the {@link KernelCache}) for the device's
 * architecture. This is the only class that touches {@link JCudaDriver}, and only after
 * {@link CudaBackend} found {@code libcuda.so.1}: JCuda's JNI library links it, so loading it
 * anywhere else would fail with a native stack trace rather than a sentence.
 */
final class CudaDevice implements Device {
    /** Device memory as the driver API hands it out. */
    private record DriverMemory(CUdeviceptr pointer) implements Memory {
    }

    private static final Map<Integer, CudaDevice> OPEN = new HashMap<>();
    private static boolean initialized;

    private Nvrtc nvrtc;
    private KernelCache cache;

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

    /** Device {@code ordinal}, opened once per JVM; programs compile with {@code nvrtc} through {@code cache}. */
    static synchronized CudaDevice open(int ordinal, Nvrtc nvrtc, KernelCache cache) {
        int n = count();
        if (ordinal >= n) {
            throw new DeviceUnavailableException("cuda", "there is no device " + ordinal + " (this machine has "
                    + n + (n == 1 ? " GPU, device 0)" : " GPUs, devices 0 to " + (n - 1) + ")"));
        }
        CudaDevice d = OPEN.computeIfAbsent(ordinal, CudaDevice::new);
        d.nvrtc = nvrtc;
        d.cache = cache;
        return d;
    }

    @Override
    public int multiprocessors() {
        return multiprocessors;
    }

    @Override
    public Program load(DeviceCode program) {
        List<String> options = new ArrayList<>(DeviceCode.NVRTC_OPTIONS);
        options.add("--gpu-architecture=" + arch());
        String key = KernelCache.key(program.source(), arch(), nvrtc.version(), options);
        String ptx = cache.ptx(key, () -> nvrtc.compile(program.source(), program.name() + ".cu", options));
        bind();
        CUmodule module = new CUmodule();
        // PTX is ASCII text that the driver reads up to a NUL.
        JCudaDriver.cuModuleLoadData(module, (ptx + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Map<String, CUfunction> functions = new HashMap<>();
        return (function, g, args) -> {
            CUfunction f = functions.computeIfAbsent(function, name -> {
                CUfunction fn = new CUfunction();
                JCudaDriver.cuModuleGetFunction(fn, module, name);
                return fn;
            });
            NativePointerObject[] params = new NativePointerObject[args.size()];
            for (int i = 0; i < params.length; i++) {
                params[i] = switch (args.get(i)) {
                    case DriverMemory m -> Pointer.to(m.pointer());
                    case Long v -> Pointer.to(new long[] {v});
                    default -> throw new IllegalArgumentException("kernel argument " + args.get(i));
                };
            }
            if (!KernelProfile.on()) {
                JCudaDriver.cuLaunchKernel(f, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ(), 0, null,
                        Pointer.to(params), null);
                return;
            }
            JCudaDriver.cuCtxSynchronize();
            long t0 = System.nanoTime();
            JCudaDriver.cuLaunchKernel(f, g.gridX(), g.gridY(), g.gridZ(), g.blockX(), g.blockY(), g.blockZ(), 0, null,
                    Pointer.to(params), null);
            JCudaDriver.cuCtxSynchronize();
            KernelProfile.record(program.name() + "." + function, System.nanoTime() - t0);
        };
    }

    /** {@code compute_90}: the virtual architecture NVRTC compiles PTX for; the driver finishes it for the exact GPU. */
    String arch() {
        return "compute_" + major + minor;
    }

    /** Binds this device's context to the calling thread (CUDA contexts are per thread). */
    @Override
    public void bind() {
        JCudaDriver.cuCtxSetCurrent(context);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] v = new int[1];
        JCudaDriver.cuDeviceGetAttribute(v, attribute, device);
        return v[0];
    }

    @Override
    public Memory alloc(long bytes) {
        CUdeviceptr p = new CUdeviceptr();
        JCudaDriver.cuMemAlloc(p, Math.max(1, bytes));
        return new DriverMemory(p);
    }

    @Override
    public void free(Memory m) {
        JCudaDriver.cuMemFree(ptr(m));
    }

    @Override
    public void zero(Memory m, long bytes) {
        if (bytes > 0) JCudaDriver.cuMemsetD8(ptr(m), (byte) 0, bytes);
    }

    @Override
    public void copy(Memory dst, Memory src, long bytes) {
        if (bytes > 0) JCudaDriver.cuMemcpyDtoD(ptr(dst), ptr(src), bytes);
    }

    private static CUdeviceptr ptr(Memory m) {
        return ((DriverMemory) m).pointer();
    }

    @Override
    public void upload(Memory m, Object array, int n) {
        CUdeviceptr dst = ptr(m);
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

    @Override
    public Object download(Memory m, DType t, int n) {
        CUdeviceptr src = ptr(m);
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

    @Override
    public String describe() {
        return name + " (device " + ordinal + ", sm_" + major + minor + ", " + multiprocessors + " multiprocessors)";
    }
}
