package dev.modelc.cli;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Idx;
import dev.modelc.runtime.Npy;
import dev.modelc.runtime.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The {@code --data} and {@code --val} files of {@code train} and {@code predict} read on a
 * background thread from the command's start, while the model file is parsed, checked and
 * compiled on the main thread: unzipping and decoding an IDX file (Fashion-MNIST's 60,000
 * images: about a second) or reading a .npy file needs nothing from the model. What turns the
 * values into the input's dtype and shape, and every check of them against the model, stays
 * where it was ({@link DataArgs#load}), in the same order, so a run reports the same mistakes
 * with the same messages, first the model's and then the data's. CSV files are not read ahead:
 * how their columns parse depends on the inputs' dtypes.
 *
 * <p>Each file is read once per source, in the order given; a failure (a missing file, a malformed one, memory)
 * is kept and thrown where the file would have been read without this. A value is handed out
 * once and then forgotten, so the raw arrays (an IDX file's ints: 188 MB for Fashion-MNIST's
 * training images) are garbage as soon as the loader has turned them into the input's tensor,
 * not kept for the whole run; a second request for the same source reads the file again.
 *
 * <p>A large IDX file of unsigned bytes (images: at least {@link #SCALE_AHEAD} values) is kept
 * as its f32 scaling alone ({@link IdxFile#scaledF32}), made on the reading thread: f32 is the
 * dtype nearly every model reads images into, and scaling Fashion-MNIST's 47 million pixels after
 * the model was compiled took about half a second of the command's thread. The bytes' ints are
 * dropped once scaled, so no more is held than before (one 188 MB array); an input of another
 * dtype gets the bytes back exactly ({@link Idx#rescaled}). Labels, small, stay ints.
 */
final class DataPrefetch {
    /** The fewest unsigned bytes an IDX file holds for the reading thread to keep them scaled to f32 (a million: images, not labels). */
    static final int SCALE_AHEAD = 1 << 20;

    /** Reads nothing ahead: every file is read when asked for (an empty map whose remove finds nothing, never throws). */
    static final DataPrefetch NONE = new DataPrefetch(Collections.emptyMap());

    /**
     * By source, not by file: two inputs read from one file get arrays of their own, as they did
     * before. Touched by the command's thread only (the reading thread has its own list).
     */
    private final Map<DataArgs.Source, CompletableFuture<Object>> files;

    private DataPrefetch(Map<DataArgs.Source, CompletableFuture<Object>> files) {
        this.files = files;
    }

    /** Whether files are read ahead: unless {@code -Dmodelc.prefetch=false} (for measuring; MODELC_WARMUP=0 does not turn it off). */
    static boolean enabled() {
        return !"false".equals(System.getProperty("modelc.prefetch"));
    }

    /** Starts reading the IDX and .npy files of {@code sources} on a daemon thread. */
    static DataPrefetch start(List<DataArgs.Source> sources) {
        return start(sources, SCALE_AHEAD);
    }

    /** {@link #start}, unsigned bytes kept scaled from {@code scaleAhead} values (tests scale small files). */
    static DataPrefetch start(List<DataArgs.Source> sources, int scaleAhead) {
        Map<DataArgs.Source, CompletableFuture<Object>> files = new LinkedHashMap<>();
        for (DataArgs.Source s : sources) if (!s.csv()) files.putIfAbsent(s, new CompletableFuture<>());
        if (files.isEmpty()) return NONE;
        // The reader's own list: the command's thread removes what it has taken from the map.
        List<Map.Entry<DataArgs.Source, CompletableFuture<Object>>> order = List.copyOf(files.entrySet());
        Thread.ofPlatform().daemon().name("modelc-data").start(() -> {
            for (var f : order) {
                CompletableFuture<Object> done = f.getValue();
                Path file = f.getKey().file();
                try {
                    done.complete(f.getKey().format() == DataArgs.Format.IDX ? IdxFile.read(file, scaleAhead) : Npy.read(file));
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }
        });
        return new DataPrefetch(files);
    }

    /**
     * An IDX file's element type and values: as {@link Idx#read} gives them, or, {@code scaledF32},
     * unsigned bytes as their f32 scaling ({@link Idx#scaled}) with the bytes' ints dropped.
     */
    record IdxFile(Idx.Type type, Tensor values, boolean scaledF32) {
        /** The file, its unsigned bytes kept scaled to f32 when there are at least {@code scaleAhead} of them. */
        static IdxFile read(Path file, int scaleAhead) throws IOException {
            Idx.Array a = Idx.read(file);
            boolean scale = a.type() == Idx.Type.UBYTE && a.values().numel() >= scaleAhead;
            return new IdxFile(a.type(), scale ? Idx.scaled(a.values(), DType.F32) : a.values(), scale);
        }
    }

    /** The IDX file (or what reading it threw). */
    IdxFile idx(DataArgs.Source s) throws IOException {
        CompletableFuture<Object> f = files.remove(s);
        if (f != null) return (IdxFile) await(f);
        Idx.Array a = Idx.read(s.file());
        return new IdxFile(a.type(), a.values(), false);
    }

    /** The .npy file's tensor, as {@link Npy#read} gives it (or throws). */
    Tensor npy(DataArgs.Source s) throws IOException {
        CompletableFuture<Object> f = files.remove(s);
        return f == null ? Npy.read(s.file()) : (Tensor) await(f);
    }

    /** The file's value, or what reading it threw, thrown as it was. */
    private static Object await(CompletableFuture<Object> f) throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // a read in progress finishes; Ctrl-C is handled by the trainer
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case IOException io -> throw io;
                        case RuntimeException r -> throw r;
                        case Error err -> throw err;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }
}
