package dev.modelc.compiler.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
            lastUse[kernels.get(k).writes()] = Math.max(lastUse[kernels.get(k).writes()], k);
        }
        for (int r : results) lastUse[r] = Integer.MAX_VALUE;
        List<Buffer> out = new ArrayList<>(buffers);
        List<Integer> slotHolder = new ArrayList<>();          // slot -> buffer now in it, or -1
        List<dev.modelc.runtime.DType> slotType = new ArrayList<>();
        for (int k = 0; k < kernels.size(); k++) {
            int w = kernels.get(k).writes();
            Buffer b = out.get(w);
            if (b.kind() == Buffer.Kind.TEMP && b.slot() < 0) {
                int slot = -1;
                for (int s = 0; s < slotHolder.size(); s++) {
                    if (slotHolder.get(s) == -1 && slotType.get(s) == b.dtype()) {
                        slot = s;
                        break;
                    }
                }
                if (slot < 0) {
                    slot = slotHolder.size();
                    slotHolder.add(-1);
                    slotType.add(b.dtype());
                }
                slotHolder.set(slot, w);
                out.set(w, b.withSlot(slot));
            }
            for (int s = 0; s < slotHolder.size(); s++) {
                int held = slotHolder.get(s);
                if (held >= 0 && lastUse[held] <= k) slotHolder.set(s, -1);
            }
        }
        return out;
    }
}
