package dev.modelc.runtime;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Writes a file so that a crash leaves either the old or the new content: the bytes go to a
 * temporary file in the same directory ({@code .NAME.<12 hex digits>.tmp}), which is forced to
 * disk and then renamed over the target with {@link StandardCopyOption#ATOMIC_MOVE}.
 *
 * <p>A writer holds an exclusive lock on its temporary file until the rename. A process killed
 * midway (kill -9, a second Ctrl-C) leaves its temporary file behind, but the operating system
 * drops the lock with the process; so the next write of the same target deletes every temporary
 * file of that target it can lock, and leaves alone the ones a live writer holds, in this process
 * or another. A symbolic link to a file is written through: the file it points to is replaced.
 */
public final class AtomicFiles {
    /** The temporary files this process is writing; their locks are not probed (closing a probe would drop them). */
    private static final Set<Path> WRITING = ConcurrentHashMap.newKeySet();
    /** How long an empty temporary file counts as one whose writer may not have locked it yet. */
    private static final long JUST_CREATED_MILLIS = 5_000;

    private AtomicFiles() {}

    /** Writes {@code bytes} to {@code target} atomically (generated sources, reports). */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * A write that failed, saying what was to be written, in which directory, and why (not only the
     * temporary file's name, which the operating system's message would give).
     */
    public static final class WriteFailure extends IOException {
        private final Path target;
        private final String detail;

        WriteFailure(Path target, String detail, IOException cause) {
            super("cannot write " + target + ": " + detail, cause);
            this.target = target;
            this.detail = detail;
        }

        /** The file that was to be written. */
        public Path target() {
            return target;
        }

        /** Why, with the directory: {@code no space left on device (writing in /data/runs)}. */
        public String detail() {
            return detail;
        }
    }

    /** What writes the content; it must not close the stream. */
    @FunctionalInterface
    interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    static void write(Path target, Body body) throws IOException {
        write(target, body, UnaryOperator.identity());
    }

    /**
     * Like {@link #write(Path, Body)}, with {@code wrap} put around the stream the body writes
     * to, so tests can make the write fail midway.
     */
    static void write(Path target, Body body, UnaryOperator<OutputStream> wrap) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isSymbolicLink(abs) && Files.exists(abs)) abs = abs.toRealPath();
        Path dir = abs.getParent();
        String name = abs.getFileName().toString();
        removeStale(dir, name);
        // Not Files.createTempFile: that makes the file private (0600), and the rename would keep that.
        Path tmp = dir.resolve(tempName(name));
        boolean moved = false;
        WRITING.add(tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ch.lock(); // released when the channel closes, after the rename, or by the OS if the process dies
                OutputStream os = wrap.apply(new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16));
                body.writeTo(new FilterOutputStream(os) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // the channel is closed below, after it is forced to disk
                    }
                });
                os.flush();
                ch.force(true);
                // Renamed while still locked, so no other writer can take the file for stale meanwhile.
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                moved = true;
            }
            syncDirectory(dir);
        } catch (IOException e) {
            throw new WriteFailure(abs, explain(e, abs, tmp, dir), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // The write already failed; that failure is the one to report.
                }
            }
            WRITING.remove(tmp);
        }
    }

    /** Why writing {@code target} through {@code tmp} in {@code dir} failed, in words. */
    private static String explain(IOException e, Path target, Path tmp, Path dir) {
        String where = " (writing in directory " + dir + ")";
        if (e instanceof AccessDeniedException a) {
            Path about = a.getFile() == null ? null : Path.of(a.getFile());
            if (tmp.equals(about) || dir.equals(about)) return "directory " + dir + " is not writable (permission denied)";
            return "permission denied" + (about != null && !target.equals(about) ? " on " + about : "") + where;
        }
        if (e instanceof NoSuchFileException) return "no directory " + dir;
        if (e instanceof FileSystemException f && f.getReason() != null) return lowerFirst(f.getReason()) + where;
        String m = e.getMessage();
        if (m == null || m.isBlank()) m = e.getClass().getSimpleName();
        return lowerFirst(m.replace(tmp.toString(), "the temporary file")) + where;
    }

    private static String lowerFirst(String s) {
        // "No space left on device", "Read-only file system": the OS's words, as a clause.
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? Character.toLowerCase(s.charAt(0)) + s.substring(1) : s;
    }

    /**
     * Deletes the temporary files of {@code name} in {@code dir} left by writers that died: those no
     * process holds a lock on. Best effort: a file that cannot be opened or locked is left alone.
     */
    static void removeStale(Path dir, String name) {
        Pattern ours = Pattern.compile(Pattern.quote("." + name + ".") + "[0-9a-f]{12}" + Pattern.quote(".tmp"));
        List<Path> candidates = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir,
                p -> ours.matcher(p.getFileName().toString()).matches() && !WRITING.contains(p))) {
            for (Path p : entries) candidates.add(p);
        } catch (IOException | RuntimeException e) {
            return; // an unreadable directory: the write itself reports what is wrong
        }
        for (Path p : candidates) {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || justCreated(p)) continue;
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                FileLock lock = ch.tryLock();
                if (lock == null) continue; // a live writer in another process
                Files.deleteIfExists(p);
            } catch (IOException | OverlappingFileLockException e) {
                // held, vanished or not ours to delete: leave it
            }
        }
    }

    /**
     * Whether {@code p} is empty and new: a writer that has created its file but not yet locked it
     * (a window of microseconds) must not lose it. A dead writer's empty file goes on a later write.
     */
    private static boolean justCreated(Path p) {
        try {
            return Files.size(p) == 0
                    && Files.getLastModifiedTime(p).toMillis() > System.currentTimeMillis() - JUST_CREATED_MILLIS;
        } catch (IOException e) {
            return true; // vanished or unreadable: not ours to judge
        }
    }

    /** The name of a temporary file for {@code name}: hidden, unique, and recognisable. */
    static String tempName(String name) {
        byte[] r = new byte[6];
        ThreadLocalRandom.current().nextBytes(r);
        return "." + name + "." + HexFormat.of().formatHex(r) + ".tmp";
    }

    /** Makes the rename itself durable where the platform allows opening a directory (it does on Linux and macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename is still atomic there.
        }
    }
}
