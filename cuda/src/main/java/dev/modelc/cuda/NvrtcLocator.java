package dev.modelc.cuda;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Where NVRTC's library may be, for the Foreign Function binding: {@code libnvrtc.so.13}, then
 * {@code .so.12}, in {@code $CUDA_HOME} ({@code lib64}, {@code lib}, {@code targets/<arch>/lib}),
 * in each directory of {@code $LD_LIBRARY_PATH}, then in every {@code /usr/local/cuda*}
 * ({@code targets/<arch>/lib}, {@code lib64}), newest toolkit first. A pure function of the
 * environment and the file system, so the search order is tested without CUDA.
 */
public final class NvrtcLocator {
    /** The sonames tried, newest first: CUDA 13 machines have only the first (GPU.md). */
    public static final List<String> NAMES = List.of("libnvrtc.so.13", "libnvrtc.so.12");

    private NvrtcLocator() {
    }

    /** The directories searched, in order, for the environment {@code env}, with toolkits under {@code usrLocal}. */
    public static List<Path> directories(Map<String, String> env, Path usrLocal) {
        LinkedHashSet<Path> dirs = new LinkedHashSet<>();
        String home = env.get("CUDA_HOME");
        if (home != null && !home.isBlank()) toolkit(Path.of(home), dirs);
        String ld = env.get("LD_LIBRARY_PATH");
        if (ld != null) for (String d : ld.split(":")) if (!d.isBlank()) dirs.add(Path.of(d));
        List<Path> kits = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(usrLocal, "cuda*")) {
            s.forEach(kits::add);
        } catch (IOException e) {
            // No /usr/local, or unreadable: nothing to add.
        }
        // cuda-13.0 before cuda-12.6 before cuda (a link to one of them).
        kits.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
        for (Path k : kits) toolkit(k, dirs);
        return List.copyOf(dirs);
    }

    private static void toolkit(Path home, LinkedHashSet<Path> dirs) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(home.resolve("targets"))) {
            for (Path t : s) dirs.add(t.resolve("lib"));
        } catch (IOException e) {
            // No targets folder: a flat layout.
        }
        dirs.add(home.resolve("lib64"));
        dirs.add(home.resolve("lib"));
    }

    /** The library files that exist, in the order to try them: for each directory, .so.13 then .so.12. */
    public static List<Path> candidates(Map<String, String> env, Path usrLocal) {
        List<Path> out = new ArrayList<>();
        for (Path d : directories(env, usrLocal)) {
            for (String n : NAMES) {
                Path f = d.resolve(n);
                if (Files.isRegularFile(f)) out.add(f);
            }
        }
        return out;
    }

    /** Where the search looked, for the message when it finds nothing. */
    static String searched() {
        return "looked for " + String.join(" and ", NAMES) + " in CUDA_HOME, LD_LIBRARY_PATH and /usr/local/cuda*/targets/*/lib";
    }
}
