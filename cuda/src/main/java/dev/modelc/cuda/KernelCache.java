package dev.modelc.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Compiled PTX on disk, keyed by the SHA-256 of the CUDA C source, the GPU architecture, the
 * NVRTC version and the options, so a second run of the same model compiles nothing. Entries
 * are written atomically (a temporary file moved into place), so concurrent runs at worst
 * compile the same program twice. A directory that cannot be written only costs the caching.
 *
 * @param dir where entries live; null disables the cache
 */
public record KernelCache(Path dir) {
    /**
     * The cache directory for an environment: {@code $MODELC_CUDA_CACHE} (empty or {@code off}
     * disables caching), else {@code $XDG_CACHE_HOME/modelc/cuda}, else
     * {@code ~/.cache/modelc/cuda}.
     */
    public static KernelCache of(Map<String, String> env, String userHome) {
        String explicit = env.get("MODELC_CUDA_CACHE");
        if (explicit != null) return new KernelCache(explicit.isBlank() || explicit.equals("off") ? null : Path.of(explicit));
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(userHome, ".cache");
        return new KernelCache(base.resolve("modelc").resolve("cuda"));
    }

    /** The key of one compilation. */
    public static String key(String source, String arch, String nvrtcVersion, List<String> options) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(("modelc-cuda-cache 1\n" + arch + "\nnvrtc " + nvrtcVersion + "\n" + String.join(" ", options) + "\n")
                    .getBytes(StandardCharsets.UTF_8));
            sha.update(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256 in this JDK", e);
        }
    }

    /** The PTX for the key: the cached file when there is one, else {@code compile}'s, stored for next time. */
    public String ptx(String key, Supplier<String> compile) {
        Path file = dir == null ? null : dir.resolve(key + ".ptx");
        if (file != null) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // Not cached yet (or unreadable): compile.
            }
        }
        String ptx = compile.get();
        if (file != null) store(file, ptx);
        return ptx;
    }

    private static void store(Path file, String ptx) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            // A read-only or full disk: the PTX is still used, just not kept.
        }
    }
}
