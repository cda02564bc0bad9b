package dev.modelc.compiler.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated CUDA C is valid CUDA: where the CUDA toolkit's {@code nvcc} is installed (it
 * needs no GPU), the golden programs compile to PTX for sm_90 with the options NVRTC gets.
 * nvcc takes about 1.5 s a program on two cores, so by default only the programs of two samples are
 * compiled (crop yield by hand and Iris: elementwise loops, reductions, matmuls, f32); with
 * {@code -Dmodelc.nvcc.all=true}, every one. Skipped, saying so, where there is no nvcc.
 */
class GeneratedCudaCompilesTest {
    @Test
    void goldenProgramsCompileWithNvcc(@TempDir Path dir) throws IOException, InterruptedException {
        Path nvcc = nvcc();
        assumeTrue(nvcc != null, "no nvcc (looked in CUDA_HOME/bin, /usr/local/cuda/bin and on the PATH): the CUDA C was not compiled");
        boolean all = Boolean.getBoolean("modelc.nvcc.all");
        List<String> command = new ArrayList<>(List.of(nvcc.toString(), "-ptx", "-arch=compute_90"));
        command.addAll(CudaProgram.NVRTC_OPTIONS);
        int n = 0;
        for (Map.Entry<String, String> e : CudaGolden.rendered().entrySet()) {
            if (!all && !(e.getKey().startsWith("crop_yield.CropYieldManual.") || e.getKey().startsWith("iris."))) continue;
            // A golden file holds several programs (one per entry point); each is its own translation unit.
            String[] programs = e.getValue().split("(?m)^// ===== .* =====\n");
            for (String p : programs) {
                if (p.isBlank()) continue;
                Path f = dir.resolve(e.getKey().replace(".cu", "") + "." + (n++) + ".cu");
                Files.writeString(f, p);
                command.add(f.getFileName().toString());
            }
        }
        Process proc = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String log = new String(proc.getInputStream().readAllBytes());
        assumeTrue(proc.waitFor(300, TimeUnit.SECONDS), "nvcc did not finish in 300 s");
        assertEquals(0, proc.exitValue(), "nvcc failed:\n" + log);
        try (var s = Files.list(dir)) {
            assertEquals(n, s.filter(p -> p.toString().endsWith(".ptx")).count(), "PTX files written");
        }
    }

    private static Path nvcc() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) candidates.add(Path.of(home, "bin", "nvcc"));
        candidates.add(Path.of("/usr/local/cuda/bin/nvcc"));
        String path = System.getenv("PATH");
        if (path != null) for (String d : path.split(":")) if (!d.isEmpty()) candidates.add(Path.of(d, "nvcc"));
        return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
    }
}
