package dev.modelc.api;

import dev.modelc.runtime.DType;
import dev.modelc.runtime.Generator;
import dev.modelc.runtime.Tensor;
import dev.modelc.runtime.model.CompiledModel;
import dev.modelc.runtime.model.Size;
import dev.modelc.runtime.model.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Draws token sequences from a model that reads the last {@code block} tokens ({@code i32[N, block]})
 * and gives logits over the next one ({@code f32[N, vocab]} or f64): the sampling loop of
 * makemore, where token 0 both pads the start of the context and ends a sequence.
 *
 * <p>Each sequence starts from a context of zeros; at each position the logits are turned into
 * probabilities by softmax (in f64), one token is drawn from them as {@code torch.multinomial}
 * draws one sample, the context shifts left by one and takes the token, and the sequence ends
 * when the token is 0 (not part of the result) or when it reaches {@code maxLength} tokens.
 *
 * <p>Seeding: sequence {@code i} draws its tokens from its own generator,
 * {@code Generator.of(seed, "sample " + i)}, one uniform draw per token, inverted through the
 * cumulative probabilities. So a seed gives the same sequences on every run, sequence {@code i}
 * does not depend on how many others are drawn ({@code count = 5} gives the first five of
 * {@code count = 20}), and backends agree unless their roundings straddle a draw.
 */
public final class Sampler {
    private final CompiledModel model;
    private final Map<String, Tensor> params;
    private final String input;
    private final String output;
    private final int block;

    private Sampler(CompiledModel model, Map<String, Tensor> params, String input, String output, int block) {
        this.model = model;
        this.params = params;
        this.input = input;
        this.output = output;
        this.block = block;
    }

    /**
     * A sampler over {@code model}, which must have one input, {@code i32[N, block]} with
     * {@code block} fixed, and the output {@code output} (the model of that output alone, as
     * {@link Driver#outputsModel} compiles it, has that one input).
     *
     * @throws IllegalArgumentException naming what the model lacks
     */
    public static Sampler of(CompiledModel model, Map<String, Tensor> params, String output) {
        Objects.requireNonNull(output, "output == null");
        if (!model.outputs().contains(output)) {
            throw new IllegalArgumentException(model.name() + " has no output '" + output + "'; its outputs are "
                    + String.join(", ", model.outputs()));
        }
        if (model.inputs().size() != 1) {
            throw new IllegalArgumentException("output '" + output + "' must be computed from one input, the context of token ids, "
                    + "but it needs " + model.inputs().size() + ": " + String.join(", ", model.inputs().stream().map(TensorSpec::name).toList()));
        }
        TensorSpec in = model.inputs().getFirst();
        if (in.dtype() != DType.I32 || in.dims().size() != 2 || !(in.dims().get(1) instanceof Size.Fixed(long k)) || k < 1) {
            throw new IllegalArgumentException("input '" + in.name() + "' must be a batch of contexts of token ids, i32[N, k] with k a "
                    + "fixed number of tokens, but it is " + in);
        }
        return new Sampler(model, Map.copyOf(params), in.name(), output, Math.toIntExact(k));
    }

    /** How many tokens the context holds. */
    public int block() {
        return block;
    }

    /**
     * {@code count} sequences of token ids in {@code [1, vocab)}, each ended by token 0 or cut at
     * {@code maxLength} tokens (then {@link Sequence#ended()} is false).
     *
     * @throws IllegalArgumentException when the output is not {@code [n, vocab]} floats with
     *         {@code vocab >= 2}, or its probabilities are not finite
     */
    public List<Sequence> sample(long seed, int count, int maxLength) {
        if (count < 0) throw new IllegalArgumentException("count " + count + " < 0");
        if (maxLength < 1) throw new IllegalArgumentException("maxLength " + maxLength + " < 1");
        Generator[] draws = new Generator[count];
        List<List<Integer>> tokens = new ArrayList<>();
        int[][] context = new int[count][block];
        boolean[] ended = new boolean[count];
        for (int i = 0; i < count; i++) {
            draws[i] = Generator.of(seed, "sample " + i);
            tokens.add(new ArrayList<>());
        }
        // All unfinished sequences advance together: one forward pass per position.
        int[] live = new int[count];
        int n = count;
        for (int i = 0; i < count; i++) live[i] = i;
        while (n > 0) {
            int[] ids = new int[n * block];
            for (int r = 0; r < n; r++) System.arraycopy(context[live[r]], 0, ids, r * block, block);
            Tensor logits = model.forward(params, Map.of(input, Tensor.of(ids, n, block))).get(output);
            if (logits.rank() != 2 || logits.size(0) != n || logits.size(1) < 2 || !logits.dtype().isFloating()) {
                throw new IllegalArgumentException("output '" + output + "' must hold logits over the tokens, a floating [rows, vocab] "
                        + "with vocab >= 2, but for " + n + " contexts it is " + logits.dtype() + Arrays.toString(logits.shape()));
            }
            int vocab = logits.size(1), still = 0;
            for (int r = 0; r < n; r++) {
                int i = live[r];
                int token = draw(logits, r, vocab, draws[i].nextUniform());
                if (token == 0) {
                    ended[i] = true;
                    continue;
                }
                tokens.get(i).add(token);
                System.arraycopy(context[i], 1, context[i], 0, block - 1);
                context[i][block - 1] = token;
                if (tokens.get(i).size() < maxLength) live[still++] = i;
            }
            n = still;
        }
        List<Sequence> out = new ArrayList<>();
        for (int i = 0; i < count; i++) out.add(new Sequence(List.copyOf(tokens.get(i)), ended[i]));
        return out;
    }

    /** The token whose cumulative softmax probability first exceeds {@code u} in [0, 1). */
    private int draw(Tensor logits, int row, int vocab, double u) {
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < vocab; v++) max = Math.max(max, logits.getDouble(row * vocab + v));
        double[] p = new double[vocab];
        double total = 0;
        for (int v = 0; v < vocab; v++) total += p[v] = Math.exp(logits.getDouble(row * vocab + v) - max);
        if (!Double.isFinite(total) || !(total > 0)) {
            throw new IllegalArgumentException("output '" + output + "' holds logits that are not finite (the largest is " + max
                    + "): no probabilities to draw from");
        }
        double target = u * total, cumulative = 0;
        int last = 0;
        for (int v = 0; v < vocab; v++) {
            if (p[v] == 0) continue;
            cumulative += p[v];
            last = v;
            if (target < cumulative) return v;
        }
        return last; // u * total rounded up to the sum: the last token with any probability
    }

    /**
     * One drawn sequence.
     *
     * @param tokens its token ids, each in {@code [1, vocab)}, without the end token
     * @param ended whether it ended with token 0 (false: it was cut at the length limit)
     */
    public record Sequence(List<Integer> tokens, boolean ended) {
        public Sequence {
            tokens = List.copyOf(tokens);
        }
    }
}
