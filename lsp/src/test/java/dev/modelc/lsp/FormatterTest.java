package dev.modelc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The canonical layout, rule by rule. */
class FormatterTest {
    @Test
    void spacesTokensByKind() {
        assertEquals("""
                model M {
                  input x: f32[N, 3]
                  h = -x[1:, ::2, 0, :] @ w.T + sum(x, axis = -1)
                  output y = f(x)[0] ** 2
                }
                """, Formatter.format("model  M{\n input x :f32[ N,3 ]\n h=- x[1 :,: :2,0 , :]@w . T+sum( x,axis=-1 )\noutput y=f (x) [0]**2\n}"));
    }

    @Test
    void annotationsAndSpreads() {
        assertEquals("def f(a: float[*S], b = 2) = a * b\n", Formatter.format("def f(a:float[* S],b=2)=a*b"));
    }

    @Test
    void keepsCommentsAndOneBlankLine() {
        assertEquals("""
                # head

                model M {  # trailing
                  # inside
                  input x: f32[2]

                  output y = x  # why
                }
                """, Formatter.format("# head\n\n\n\nmodel M {     # trailing   \n\n  # inside\ninput x: f32[2]\n\n\n output y = x # why\n\n}\n\n\n"));
    }

    @Test
    void indentsContinuedLines() {
        assertEquals("""
                def bce(p, t) =
                  mean(-(t * log(p) +
                    (1 - t) * log(1 - p)))
                model M {
                  train { batch = 5; optimizer = sgd(lr = 1e-5) }
                  l = cat(a,
                    b,
                    axis = 0
                  )
                }
                """, Formatter.format("def bce(p, t) =\nmean(-(t * log(p) +\n(1 - t) * log(1 - p)))\nmodel M {\ntrain {batch = 5;optimizer = sgd(lr = 1e-5)}\nl = cat(a,\nb,\naxis = 0\n)\n}\n"));
    }

    @Test
    void neverJoinsTwoTokensIntoOne() {
        // `**S` would be a power, `<=` one comparison, `1.` a float: mistakes, but the tokens stay as written
        assertEquals("a: f32[* *S]\n", Formatter.format("a: f32[* *S]"));
        assertEquals("y = a < = b\n", Formatter.format("y = a < = b"));
        assertEquals("y = f(1 .5)\n", Formatter.format("y = f(1 .5)"));
    }

    @Test
    void unknownCharactersKeepTheirSpacing() {
        // `"` is no token of today's grammar: it keeps its spacing to its neighbours, as a later string literal will
        assertEquals("y = einsum(\"ij\", a, b)\n", Formatter.format("y = einsum(\"ij\",a,b)"));
        assertEquals("y = f( \"ij\" )\n", Formatter.format("y=f( \"ij\" )"));
        assertEquals("a = b $c\n", Formatter.format("a=b $c"));
    }
}
