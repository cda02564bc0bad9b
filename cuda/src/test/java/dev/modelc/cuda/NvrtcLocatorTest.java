package dev.modelc.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The order in which NVRTC libraries are looked for, on a made-up file system. */
class NvrtcLocatorTest {
    @Test
    void cudaHomeThenTheLoaderPathThenToolkitsNewestFirst(@TempDir Path root) throws IOException {
        Path home = root.resolve("opt/cuda");
        Path usrLocal = root.resolve("usr/local");
        Path ld = root.resolve("ld");
        Files.createDirectories(home.resolve("targets/x86_64-linux/lib"));
        Files.createDirectories(usrLocal.resolve("cuda-12.6/targets/x86_64-linux/lib"));
        Files.createDirectories(usrLocal.resolve("cuda-13.0/targets/x86_64-linux/lib"));
        Files.createDirectories(usrLocal.resolve("lib"));
        Files.createDirectories(ld);
        Map<String, String> env = Map.of("CUDA_HOME", home.toString(), "LD_LIBRARY_PATH", ld + "::/nonexistent");
        assertEquals(List.of(home.resolve("targets/x86_64-linux/lib"), home.resolve("lib64"), home.resolve("lib"), ld,
                Path.of("/nonexistent"),
                usrLocal.resolve("cuda-13.0/targets/x86_64-linux/lib"), usrLocal.resolve("cuda-13.0/lib64"), usrLocal.resolve("cuda-13.0/lib"),
                usrLocal.resolve("cuda-12.6/targets/x86_64-linux/lib"), usrLocal.resolve("cuda-12.6/lib64"), usrLocal.resolve("cuda-12.6/lib")),
                NvrtcLocator.directories(env, usrLocal));
    }

    @Test
    void soThirteenBeforeSoTwelveInEachDirectoryAndOnlyFilesThatExist(@TempDir Path root) throws IOException {
        Path usrLocal = root.resolve("usr/local");
        Path t13 = usrLocal.resolve("cuda-13.0/targets/x86_64-linux/lib");
        Path t12 = usrLocal.resolve("cuda-12.4/targets/x86_64-linux/lib");
        Files.createDirectories(t13);
        Files.createDirectories(t12);
        Files.createFile(t12.resolve("libnvrtc.so.12"));
        Files.createFile(t13.resolve("libnvrtc.so.13"));
        Files.createFile(t13.resolve("libnvrtc.so.12"));
        Files.createFile(t13.resolve("libnvrtc-builtins.so.13.0"));
        assertEquals(List.of(t13.resolve("libnvrtc.so.13"), t13.resolve("libnvrtc.so.12"), t12.resolve("libnvrtc.so.12")),
                NvrtcLocator.candidates(Map.of(), usrLocal));
    }

    @Test
    void nothingInstalledFindsNothing(@TempDir Path root) {
        assertEquals(List.of(), NvrtcLocator.candidates(Map.of("CUDA_HOME", root.resolve("none").toString()), root.resolve("usr/local")));
    }
}
