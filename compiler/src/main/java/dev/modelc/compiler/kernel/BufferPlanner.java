package dev.modelc.compiler.kernel;

import dev.modelc.runtime.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gives temporaries storage slots: a slot freed after the last kernel that reads its buffer is
 * reused by the next temporary of the same dtype, so a training step needs a few arrays however
 * long the graph is. A slot is sized, when the plan is bound to sizes, as the largest buffer it
 * holds; bound plans allocate once per set of sizes (per batch size), not per step. A kernel
 * never writes a slot it reads: slots are freed after the kernel that last reads them.
 */
final class BufferPlanner {
    private BufferPlanner() {
    }

    /** The buffers with slots assigned; {@code results} stay live to the end. */
    static List<Buffer> assign(List<Buffer> buffers, List<Kernel> kernels, Set<Integer> results) {
        int[] lastUse = new int[buffers.size()];
        java.util.Arrays.fill(lastUse, -1);
        for (int k = 0; k < kernels.size(); k++) {
            for (int b : kernels.get(k).reads()) lastUse[b] = k;
            for (int w : kernels.get(k).written()) lastUse[w] = Math.max(lastUse[w], k);
        }
        for (int r : results) lastUse[r] = Integer.MAX_VALUE;
        List<Buffer> out = new ArrayList<>(buffers);
        // Free slots per dtype, lowest first; and per kernel, the slots its end frees. Linear in
        // the plan (a 20,000-statement chain has as many kernels and slots).
        Map<DType, TreeSet<Integer>> free = new EnumMap<>(DType.class);
        List<List<Integer>> freedAfter = new ArrayList<>();
        for (int k = 0; k < kernels.size(); k++) freedAfter.add(new ArrayList<>());
        List<DType> slotType = new ArrayList<>();
        for (int k = 0; k < kernels.size(); k++) {
            for (int w : kernels.get(k).written()) {
                Buffer b = out.get(w);
                if (b.kind() == Buffer.Kind.TEMP && b.slot() < 0) {
                    TreeSet<Integer> open = free.computeIfAbsent(b.dtype(), t -> new TreeSet<>());
                    int slot;
                    if (open.isEmpty()) {
                        slot = slotType.size();
                        slotType.add(b.dtype());
                    } else {
                        slot = open.pollFirst();
                    }
                    out.set(w, b.withSlot(slot));
                    if (lastUse[w] < kernels.size()) freedAfter.get(Math.max(lastUse[w], k)).add(slot);
                }
            }
            for (int s : freedAfter.get(k)) free.get(slotType.get(s)).add(s);
        }
        return out;
    }
}
