package dev.modelc.cuda;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.device.DeviceCode;

/**
 * A device that counts the copies between host and device (calls and bytes) and the kernel
 * launches, keeps the programs it loaded, and passes everything on.
 */
final class CountingDevice implements Device {
    private final Device device;
    int launches;
    /** Launches of {@link StepKernel}'s kernel, never reset. */
    int stepLaunches;
    /** Every program loaded, in order. */
    final java.util.List<DeviceCode> programs = new java.util.ArrayList<>();
    int uploads;
    long uploadedBytes;
    int downloads;
    long downloadedBytes;

    CountingDevice(Device device) {
        this.device = device;
    }

    void reset() {
        uploads = downloads = launches = 0;
        uploadedBytes = downloadedBytes = 0;
    }

    @Override
    public String describe() {
        return device.describe();
    }

    @Override
    public int multiprocessors() {
        return device.multiprocessors();
    }

    @Override
    public void bind() {
        device.bind();
    }

    @Override
    public Program load(DeviceCode program) {
        programs.add(program);
        Program p = device.load(program);
        return (function, g, args) -> {
            launches++;
            if (function.equals(StepKernel.FUNCTION)) stepLaunches++;
            p.launch(function, g, args);
        };
    }

    @Override
    public Memory alloc(long bytes) {
        return device.alloc(bytes);
    }

    @Override
    public void free(Memory m) {
        device.free(m);
    }

    @Override
    public void zero(Memory m, long bytes) {
        device.zero(m, bytes);
    }

    @Override
    public void copy(Memory dst, Memory src, long bytes) {
        device.copy(dst, src, bytes);
    }

    @Override
    public void upload(Memory dst, Object array, int n) {
        uploads++;
        uploadedBytes += (long) n * bytes(array);
        device.upload(dst, array, n);
    }

    @Override
    public Object download(Memory src, DType t, int n) {
        downloads++;
        downloadedBytes += (long) n * DeviceCode.elementBytes(t);
        return device.download(src, t, n);
    }

    private static int bytes(Object array) {
        return switch (array) {
            case float[] f -> 4;
            case double[] d -> 8;
            case int[] i -> 4;
            case boolean[] z -> 1;
            default -> throw new IllegalArgumentException(array.getClass().getName());
        };
    }
}
