package dev.modelc.compiler.syntax;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.ast.BinaryOp;
import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.ast.UnaryOp;
import dev.modelc.compiler.diagnostics.DiagnosticRenderer;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grammar's rules that the AST must reflect: precedence, associativity, statement ends. */
class SyntaxReaderTest {

    private static ModelFile parse(String text) {
        Diagnostics d = new Diagnostics();
        var file = SyntaxReader.read(new SourceFile("t.model", text), d);
        assertFalse(d.hasErrors(), () -> DiagnosticRenderer.render(d.sorted()));
        return file.orElseThrow();
    }

    private static String errors(String text) {
        Diagnostics d = new Diagnostics();
        SyntaxReader.read(new SourceFile("t.model", text), d);
        return DiagnosticRenderer.render(d.sorted());
    }

    /** The expression of {@code def f(x, y, z) = EXPR}, printed fully parenthesised. */
    private static String tree(String expr) {
        Decl.Def def = (Decl.Def) parse("def f(x, y, z) = " + expr + "\n").decls().getFirst();
        return show(((FunctionBody.Expression) def.body()).expr());
    }

    private static String show(Expr e) {
        return switch (e) {
            case Expr.Number n -> n.text();
            case Expr.Bool b -> Boolean.toString(b.value());
            case Expr.Str s -> '"' + s.value() + '"';
            case Expr.Name n -> n.id().text();
            case Expr.ListLiteral l -> l.elements().stream().map(SyntaxReaderTest::show).toList().toString();
            case Expr.Unary u -> "(" + u.op().symbol() + show(u.operand()) + ")";
            case Expr.Binary b -> "(" + show(b.left()) + " " + b.op().symbol() + " " + show(b.right()) + ")";
            case Expr.Call c -> show(c.callee()) + c.args().stream()
                    .map(a -> a.keyword().map(k -> k.text() + "=").orElse("") + show(a.value())).toList();
            case Expr.Member m -> show(m.target()) + "." + m.member().text();
            case Expr.Index i -> show(i.target()) + "[" + i.subscripts().size() + "]";
        };
    }

    @Test
    void powerBindsTighterThanUnaryMinusAndIsRightAssociative() {
        assertEquals("(-(x ** 2))", tree("-x ** 2"));
        assertEquals("(x ** (y ** z))", tree("x ** y ** z"));
        assertEquals("((2 ** (-x)) * 3)", tree("2 ** -x * 3"));
    }

    @Test
    void followsThePrecedenceTable() {
        assertEquals("((x + (y * z)) < 1)", tree("x + y * z < 1"));
        assertEquals("(((x < 1) & (y > 2)) | (z == 3))", tree("x < 1 & y > 2 | z == 3"));
        assertEquals("((x @ w.T) + b)", tree("x @ w.T + b"));
        assertEquals("((x - y) - z)", tree("x - y - z"));
        assertEquals("(~(x < y))", tree("~(x < y)"));
        assertEquals("sum[x, axis=1, keepdims=true]", tree("sum(x, axis = 1, keepdims = true)"));
    }

    @Test
    void aNewlineEndsAStatementOnlyAfterAnExpressionEndOutsideBrackets() {
        ModelFile f = parse("""
                model M {
                  input x: f32[N,
                                3]
                  a = x +
                      1
                  b = sum(x,
                          axis = 0); c = b * 2


                  output c
                }
                """);
        List<Stmt> body = ((Decl.Model) f.decls().getFirst()).body();
        assertEquals(5, body.size());
        assertInstanceOf(Expr.Binary.class, ((Stmt.Let) body.get(1)).value());
    }

    @Test
    void aNewlineAfterABlocksClosingBraceEndsTheStatement() {
        ModelFile f = parse("""
                layer L {
                  forward(x) {
                    return x
                  }
                  param w: f32[3] = zeros()
                }
                model M {
                  input x: f32[3]
                  train { epochs = 2 }
                  output y = x
                }
                """);
        assertEquals(2, ((Decl.Layer) f.decls().getFirst()).body().size());
        assertEquals(3, ((Decl.Model) f.decls().getLast()).body().size());
    }

    @Test
    void statementKeywordsAreNamesInsideExpressions() {
        ModelFile f = parse("""
                model M {
                  input x: f32[3]
                  param w: f32[3] = zeros()
                  loss = sum(x * w)
                  update w = w - 0.1 * grad(loss, w)
                }
                """);
        Stmt.Update u = (Stmt.Update) ((Decl.Model) f.decls().getFirst()).body().get(3);
        Expr.Binary rhs = (Expr.Binary) u.value();
        assertEquals(BinaryOp.SUB, rhs.op());
    }

    @Test
    void spansPointAtTheSource() {
        Decl.Def def = (Decl.Def) parse("def f(x, y, z) = x +  y\n").decls().getFirst();
        Expr.Binary b = (Expr.Binary) ((FunctionBody.Expression) def.body()).expr();
        assertEquals("x +  y", b.span().text());
        assertEquals("+", b.opSpan().text());
        assertEquals(1, b.opSpan().line());
        assertEquals(20, b.opSpan().column());
    }

    @Test
    void reportsEverySyntaxErrorWithItsPosition() {
        String out = errors("""
                model M {
                  input x f32[3]
                  y = (x + 1
                  output y
                }
                """);
        assertTrue(out.startsWith("t.model:2:11: error: expected ':', found name 'f32'"), out);
        assertTrue(out.contains("t.model:3:7: error: '(' is never closed"), out);
    }

    @Test
    void caretIsNotAnOperator() {
        assertEquals("""
                t.model:1:20: error: '^' is not an operator
                def f(x, y, z) = x ^ 2
                                   ^
                  use ** for powers: x ** 2
                """, errors("def f(x, y, z) = x ^ 2\n"));
    }

    @Test
    void unaryPlusAndNotAreKept() {
        assertEquals("(+x)", tree("+x"));
        assertEquals(UnaryOp.NOT, ((Expr.Unary) ((FunctionBody.Expression) ((Decl.Def) parse(
                "def f(x, y, z) = ~x\n").decls().getFirst()).body()).expr()).op());
    }
}
