package dev.modelc.runtime;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link AtomicWriteTest}: overwrites one {@code .npy} file again and
 * again, alternating two large arrays, until it is killed. Prints "wrote" after each write.
 * With a second argument {@code hold}: starts one write, prints "holding" midway, and finishes it
 * only when its stdin closes (a live writer, for the stale-file cleanup to leave alone).
 */
public final class AtomicWriteChild {
    static final int SMALL = 300_000;
    static final int LARGE = 700_000;

    private AtomicWriteChild() {}

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]);
        if (args.length > 1 && args[1].equals("hold")) {
            AtomicFiles.write(target, out -> {
                out.write(Npy.toBytes(Tensor.ones(DType.F32, SMALL)));
                out.flush();
                System.out.println("holding");
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our stdin
                }
            });
            return;
        }
        Tensor ones = Tensor.ones(DType.F32, SMALL);
        Tensor twos = Tensor.full(DType.F32, new int[] {LARGE}, 2);
        for (int i = 0; ; i++) {
            Npy.write(target, i % 2 == 0 ? twos : ones);
            System.out.println("wrote");
            System.out.flush();
        }
    }
}
