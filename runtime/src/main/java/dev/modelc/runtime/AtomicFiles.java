package dev.modelc.runtime;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * Writes a file so that a crash leaves either the old or the new content: the bytes go to a
 * temporary file in the same directory, which is forced to disk and then renamed over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes {@code bytes} to {@code target} atomically (generated sources, reports). */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
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
        Path dir = abs.getParent();
        // Not Files.createTempFile: that makes the file private (0600), and the rename would keep that.
        Path tmp = dir.resolve(tempName(abs.getFileName().toString()));
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            syncDirectory(dir);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // The write already failed; that failure is the one to report.
                }
            }
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
