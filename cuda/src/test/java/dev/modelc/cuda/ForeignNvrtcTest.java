package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Foreign Function binding of NVRTC, on a stand-in library with NVRTC's C API built from
 * {@code fake-nvrtc.c} (skipped, saying so, where there is no C compiler): found through
 * CUDA_HOME as a CUDA 13 machine's {@code libnvrtc.so.13}, its version read, a program
 * compiled with the options passed, and a rejected program reported with the log and source.
 */
class ForeignNvrtcTest {
    @Test
    void bindsALibnvrtcFoundThroughCudaHome(@TempDir Path dir) throws Exception {
        assumeTrue(!Nvrtc.loads("libnvrtc.so.12"), "this machine has libnvrtc.so.12, so find() would pick JCuda's binding");
        Path home = fakeToolkit(dir);
        Nvrtc nvrtc = Nvrtc.find(Map.of("CUDA_HOME", home.toString()), dir.resolve("no-usr-local"));
        assertInstanceOf(ForeignNvrtc.class, nvrtc);
        assertEquals("13.0", nvrtc.version());
        assertEquals("NVRTC 13.0 (Foreign Function binding, " + home.resolve("lib64/libnvrtc.so.13") + ")", nvrtc.describe());

        String ptx = nvrtc.compile("extern \"C\" __global__ void k0() {}\n", "k.cu", List.of("--fmad=false", "--gpu-architecture=compute_90"));
        assertEquals("// fake PTX, options: --fmad=false --gpu-architecture=compute_90\nextern \"C\" __global__ void k0() {}\n", ptx);

        NvrtcException e = assertThrows(NvrtcException.class, () -> nvrtc.compile("#error\nint x;\n", "bad.cu", List.of()));
        assertEquals("NVRTC_ERROR_COMPILATION\nfake.cu(1): error: the source has an #error", e.log());
        assertEquals("#error\nint x;\n", e.source());
        assertTrue(e.getMessage().startsWith("NVRTC could not compile bad.cu:\nNVRTC_ERROR_COMPILATION\n"), e.getMessage());
        assertTrue(e.getMessage().contains("   1  #error\n   2  int x;\n"), e.getMessage());
    }

    @Test
    void noLibraryAnywhereIsOneSentence(@TempDir Path dir) {
        assumeTrue(!Nvrtc.loads("libnvrtc.so.12") && !Nvrtc.loads("libnvrtc.so.13"), "this machine has an NVRTC on the loader path");
        Nvrtc.NotFound e = assertThrows(Nvrtc.NotFound.class, () -> Nvrtc.find(Map.of(), dir));
        assertEquals("no NVRTC found (looked for libnvrtc.so.13 and libnvrtc.so.12 in CUDA_HOME, LD_LIBRARY_PATH and "
                + "/usr/local/cuda*/targets/*/lib)", e.getMessage());
    }

    /** {@code dir/cuda/lib64/libnvrtc.so.13}, built with cc. */
    private static Path fakeToolkit(Path dir) throws IOException, InterruptedException {
        Path c = dir.resolve("fake-nvrtc.c");
        try (InputStream in = ForeignNvrtcTest.class.getResourceAsStream("/fake-nvrtc.c")) {
            Files.write(c, in.readAllBytes());
        }
        Path home = dir.resolve("cuda");
        Files.createDirectories(home.resolve("lib64"));
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-shared", "-fPIC", "-o", home.resolve("lib64/libnvrtc.so.13").toString(), c.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no C compiler (cc) to build the stand-in libnvrtc: " + e.getMessage());
            throw e;
        }
        String out = new String(cc.getInputStream().readAllBytes());
        assertEquals(0, cc.waitFor(), "cc failed: " + out);
        return home;
    }
}
