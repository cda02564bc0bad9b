package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PTX cache: a second run compiles nothing; another GPU, NVRTC, option or source compiles again. */
class KernelCacheTest {
    @Test
    void aSecondRunReadsThePtxFromDisk(@TempDir Path dir) {
        AtomicInteger compiles = new AtomicInteger();
        String key = KernelCache.key("src", "compute_90", "13.0", List.of("--fmad=false"));
        assertEquals("ptx", new KernelCache(dir).ptx(key, () -> "ptx" + (compiles.incrementAndGet() > 1 ? "again" : "")));
        // A new cache object, as in a new process.
        assertEquals("ptx", new KernelCache(dir).ptx(key, () -> "ptx" + (compiles.incrementAndGet() > 1 ? "again" : "")));
        assertEquals(1, compiles.get());
        assertEquals(1, dir.toFile().list().length, "one entry, no temporary files left");
    }

    @Test
    void theKeyCoversSourceArchitectureVersionAndOptions() {
        String k = KernelCache.key("src", "compute_90", "13.0", List.of("--fmad=false"));
        assertEquals(64, k.length());
        assertNotEquals(k, KernelCache.key("src2", "compute_90", "13.0", List.of("--fmad=false")));
        assertNotEquals(k, KernelCache.key("src", "compute_80", "13.0", List.of("--fmad=false")));
        assertNotEquals(k, KernelCache.key("src", "compute_90", "12.6", List.of("--fmad=false")));
        assertNotEquals(k, KernelCache.key("src", "compute_90", "13.0", List.of()));
    }

    @Test
    void anUnwritableDirectoryOnlyCostsTheCaching(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("not-a-dir");
        Files.writeString(file, "x");
        AtomicInteger compiles = new AtomicInteger();
        KernelCache c = new KernelCache(file.resolve("cuda"));
        assertEquals("p", c.ptx("k", () -> "p" + "".repeat(compiles.incrementAndGet())));
        assertEquals("p", c.ptx("k", () -> "p" + "".repeat(compiles.incrementAndGet())));
        assertEquals(2, compiles.get());
    }

    @Test
    void whereTheCacheLives() {
        assertEquals(Path.of("/c"), KernelCache.of(Map.of("MODELC_CUDA_CACHE", "/c"), "/home/u").dir());
        assertNull(KernelCache.of(Map.of("MODELC_CUDA_CACHE", "off"), "/home/u").dir());
        assertEquals(Path.of("/x/modelc/cuda"), KernelCache.of(Map.of("XDG_CACHE_HOME", "/x"), "/home/u").dir());
        assertEquals(Path.of("/home/u/.cache/modelc/cuda"), KernelCache.of(Map.of(), "/home/u").dir());
    }
}
