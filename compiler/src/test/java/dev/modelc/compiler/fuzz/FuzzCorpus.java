package dev.modelc.compiler.fuzz;

import dev.modelc.compiler.check.Prelude;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The seed corpus the mutation properties start from, the language's token vocabulary, and a
 * total tokenizer for mutating text token by token.
 *
 * <p>Seeds are read when the tests run, not copied: every {@code .model} file under the
 * repository's {@code samples/} and the compiler's {@code src/test/resources/} (both recursive;
 * build outputs skipped), the standard prelude, and a few inline files below.
 */
final class FuzzCorpus {
    private FuzzCorpus() {
    }

    /** One seed file; prints as its name so a failing sample stays readable. */
    record Seed(String name, String text) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Small files covering each construct, so shrinking has short seeds to fall back on. */
    static final List<Seed> INLINE = List.of(
            new Seed("inline/expr-def", """
                    def sq(a) = a * a
                    model M {
                      input x: f32[N, 3]
                      output y = sq(x) + 1
                    }
                    """),
            new Seed("inline/block-def", """
                    def norm(v, eps = 1e-5) {
                      m = mean(v, axis = -1, keepdims = true)
                      d = v - m
                      return d / sqrt(mean(d ** 2, axis = -1, keepdims = true) + eps)
                    }
                    model M { input x: f32[N, 4]; output y = norm(x) }
                    """),
            new Seed("inline/layer", """
                    layer Dense(in, out) {
                      param w: f32[out, in] = randn()
                      param b: f32[out] = zeros()
                      forward(x) = relu(x @ w.T + b)
                    }
                    layer Mlp(in, hidden, out) {
                      fc1 = Dense(in, hidden)
                      fc2 = Dense(hidden, out)
                      forward(x) {
                        h = fc1(x)
                        return fc2(h)
                      }
                    }
                    model M {
                      input x: f32[N, 3]
                      input y: i32[N]
                      mlp = Mlp(3, 8, 2)
                      output logits = mlp(x)
                      loss = cross_entropy(logits, y)
                      train { batch = 4; epochs = 2; shuffle = true; seed = 7; optimizer = adam(lr = 1e-3, beta1 = 0.9) }
                    }
                    """),
            new Seed("inline/train", """
                    model M {
                      input x: f32[N, 2]
                      input t: f32[N, 1]
                      lin = Linear(2, 1)
                      output p = sigmoid(lin(x))
                      loss bce_loss = bce(p, t)
                      train {
                        batch = 8
                        epochs = 3
                        optimizer = sgd(lr = 0.1, momentum = 0.9, weight_decay = 0)
                      }
                    }
                    """),
            new Seed("inline/grad", """
                    model M {
                      input x: f32[N, 3]
                      param w: f32[3] = ones()
                      const lr = 0.5
                      z = x @ w
                      loss = mean(z ** 2)
                      g = grad(loss, w)
                      hvp = grad(sum(g * stop_gradient(g)), w)
                      update w = w - lr * g + 0 * hvp
                    }
                    """),
            new Seed("inline/slicing", """
                    model M {
                      input x: f32[N, 4, 6]
                      a = x[:, 0, 1:5:2]
                      b = x[-1, :, ::3]
                      c = reshape(x[:, 1:3], [-1, 12])
                      d = transpose(x, 1, 2)[:, :, 0]
                      e = squeeze(unsqueeze(a, axis = 1), axis = 1)
                      output o = sum(a, axis = 0) + sum(b) + sum(c) + sum(d)
                      output f = cat(a, a, axis = -1)
                      output s = stack(e, e, axis = 0)
                    }
                    """),
            new Seed("inline/literals", """
                    model M {
                      param a: f32[2, 3] = [[1, 2., 3.0], [.5, 1e-5, 2.5E3]]
                      param m: f32[2] = [-1, +2]
                      const k = 42
                      const h = 4. / 3
                      mask = a > 0 & ~(a == 1) | a != 2
                      w = where(mask, a, full([2, 3], 0.5))
                      i = arange(3) + one_hot([0, 1], 3)
                      output o = w * k - h + maximum(m, 0)[0] + f32(true) + f32(f64(a))[0, 0] * 0
                    }
                    """),
            new Seed("inline/shapes", """
                    # every output's shape comes from constant arguments, so number edits reach shape arithmetic
                    model Shapes {
                      input x: f32[N, 4]
                      output r = arange(5)
                      output z = zeros([2, 3], dtype = f64)
                      output f = full([2, 1], 7)
                      output s = reshape(x, [-1, 2, 2])
                      output t = x[:, 1:3]
                      output v = x[:, ::2]
                      output u = unsqueeze(x, axis = 0)
                      output q = squeeze(ones([1, 3]), axis = 0)
                      output c = cat(x, x, axis = 1)
                      output k = stack(x, x, axis = 2)
                      output h = one_hot(arange(3), 4)
                      output b = broadcast_to(ones([4]), [3, 4])
                      output p = permute(zeros([2, 3, 4]), [2, 0, 1])
                      output m = transpose(zeros([2, 3, 4]), 0, 2)
                      output n = sum(zeros([2, 3, 4]), axis = [0, 2], keepdims = true)
                      output a = argmax(x, axis = 1)
                    }
                    """),
            new Seed("inline/reductions", """
                    def softmax2(z, axis = -1) = exp(z - logsumexp(z, axis = axis, keepdims = true))
                    model M {
                      input x: f32[N, 5]
                      input y: i32[N]
                      output p = softmax2(x)
                      output acc = accuracy(x, y)
                      loss = -mean(sum(log_softmax(x, axis = 1) * one_hot(y, size(x, 1)), axis = -1))
                      output s = max(x, axis = [0, 1]) + min(x) + numel(x) + f32(argmax(x, axis = -1)[0])
                    }
                    """));

    /** Every seed: inline ones, the prelude, then the files on disk, shortest first. */
    static List<Seed> seeds() {
        List<Seed> out = new ArrayList<>(INLINE);
        out.add(new Seed("<prelude>", Prelude.source().text()));
        Path root = repositoryRoot();
        out.addAll(modelFiles(root, root.resolve("samples")));
        out.addAll(modelFiles(root, root.resolve("compiler/src/test/resources")));
        out.sort(Comparator.comparingInt((Seed s) -> s.text().length()).thenComparing(Seed::name));
        return List.copyOf(out);
    }

    /** The repository root: the nearest folder at or above the working directory holding compiler/ and samples/. */
    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("compiler/src")) && Files.isDirectory(p.resolve("samples"))) return p;
        }
        throw new IllegalStateException("no repository root (with compiler/ and samples/) at or above " + dir);
    }

    private static List<Seed> modelFiles(Path root, Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".model"))
                    .filter(p -> !root.relativize(p).toString().contains("/target/"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            List<Seed> out = new ArrayList<>();
            for (Path p : files) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(p);
                } catch (IOException e) {
                    continue; // someone is rewriting it right now; it will be there next run
                }
                out.add(new Seed(root.relativize(p).toString(), new String(bytes, StandardCharsets.UTF_8)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- vocabulary

    static final List<String> KEYWORDS = List.of(
            "model", "layer", "def", "return", "true", "false",
            "input", "param", "const", "output", "loss", "update", "train", "forward");

    static final List<String> PUNCTUATION = List.of(
            "(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "**", "*", "/", "@", "+", "-", "~",
            "&", "|", "^", "<=", ">=", "==", "!=", "<", ">", "=");

    static final List<String> NAMES = List.of(
            "x", "y", "w", "b", "a", "N", "C", "M", "L", "f32", "f64", "i32", "bool", "float", "T",
            "sum", "mean", "max", "min", "grad", "stop_gradient", "reshape", "transpose", "permute", "cat",
            "stack", "squeeze", "unsqueeze", "where", "maximum", "relu", "exp", "log", "sqrt", "softmax",
            "one_hot", "conv1d", "conv2d", "stride", "padding", "dilation", "groups", "argmax", "numel", "size", "full", "zeros", "ones", "arange", "randn", "uniform",
            "Linear", "mse_loss", "cross_entropy", "axis", "keepdims", "dtype", "lr", "sgd", "adam",
            "batch", "epochs", "shuffle", "seed", "optimizer", "momentum", "_", "__x1");

    static final List<String> NUMBERS = List.of(
            "0", "1", "2", "3", "-1", "42", "4.", "4.0", ".5", "1e-5", "2.5E3", "0.0", "1e309", "1e-400",
            "2147483647", "2147483648", "99999999999999999999999", "007");

    /** Every kind of token the lexer knows, plus the separators. */
    static final List<String> VOCABULARY = Stream.of(KEYWORDS, PUNCTUATION, NAMES, NUMBERS, List.of("\n", "\n", ";"))
            .flatMap(List::stream).toList();

    // ---------------------------------------------------------------- tokens

    /**
     * Splits text into lexemes, roughly as the grammar does: whitespace and comments are
     * lexemes of their own (kept, so joining the lexemes gives the text back exactly), and
     * any character the patterns miss is a one-code-point lexeme. Total on every string.
     */
    private static final Pattern LEXEME = Pattern.compile(
            "#[^\\r\\n]*|\\r\\n|\\r|\\n|[ \\t\\f]+"
                    + "|[0-9]+\\.[0-9]*(?:[eE][+-]?[0-9]+)?|\\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+|[0-9]+"
                    + "|[A-Za-z_][A-Za-z0-9_]*|\\*\\*|<=|>=|==|!=|.",
            Pattern.DOTALL);

    /** A lexeme with whether mutations treat it as a token (whitespace and comments are not, newlines are). */
    record Lexeme(String text, boolean token) {
    }

    static List<Lexeme> lex(String text) {
        List<Lexeme> out = new ArrayList<>();
        Matcher m = LEXEME.matcher(text);
        int at = 0;
        while (at < text.length() && m.find(at) && m.start() == at && m.end() > at) {
            String s = m.group();
            boolean trivia = s.startsWith("#") || (!s.isEmpty() && (s.charAt(0) == ' ' || s.charAt(0) == '\t' || s.charAt(0) == '\f'));
            out.add(new Lexeme(s, !trivia));
            at = m.end();
        }
        if (at < text.length()) out.add(new Lexeme(text.substring(at), true)); // cannot happen: '.' with DOTALL matches anything
        return out;
    }
}
