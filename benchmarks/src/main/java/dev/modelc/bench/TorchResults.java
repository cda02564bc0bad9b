package dev.modelc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the libtorch peer ({@code dev.modelc.torch.peer.BenchPeer}) measured: per workload key the
 * median seconds and the value modelc must agree with; lines {@code key TAB seconds TAB value},
 * and {@code threads TAB n TAB 0}, libtorch's intra-op threads.
 */
record TorchResults(Map<String, Double> seconds, Map<String, Double> checks, int threads) {
    static TorchResults read(Path file) throws IOException {
        Map<String, Double> seconds = new HashMap<>(), checks = new HashMap<>();
        int threads = 0;
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split("\t");
            if (f.length != 3) continue;
            if (f[0].equals("threads")) {
                threads = Integer.parseInt(f[1]);
            } else {
                seconds.put(f[0], Double.parseDouble(f[1]));
                checks.put(f[0], Double.parseDouble(f[2]));
            }
        }
        return new TorchResults(seconds, checks, threads);
    }

    /** These results with {@code later}'s added (a workload measured again takes its later value). */
    TorchResults with(TorchResults later) {
        Map<String, Double> s = new HashMap<>(seconds), c = new HashMap<>(checks);
        s.putAll(later.seconds());
        c.putAll(later.checks());
        return new TorchResults(s, c, later.threads());
    }

    String describe() {
        return "libtorch CPU through DJL (the torch module's BenchPeer), " + threads + " intra-op threads";
    }
}
