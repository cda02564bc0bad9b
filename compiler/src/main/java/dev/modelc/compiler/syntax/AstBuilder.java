package dev.modelc.compiler.syntax;

import dev.modelc.compiler.ast.BinaryOp;
import dev.modelc.compiler.ast.Decl;
import dev.modelc.compiler.ast.Expr;
import dev.modelc.compiler.ast.FunctionBody;
import dev.modelc.compiler.ast.Identifier;
import dev.modelc.compiler.ast.ModelFile;
import dev.modelc.compiler.ast.Param;
import dev.modelc.compiler.ast.Stmt;
import dev.modelc.compiler.ast.TypeExpr;
import dev.modelc.compiler.ast.UnaryOp;
import dev.modelc.compiler.diagnostics.Diagnostics;
import dev.modelc.compiler.diagnostics.SourceFile;
import dev.modelc.compiler.diagnostics.Span;
import dev.modelc.grammar.ModelParser;
import dev.modelc.grammar.ModelParser.*;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The only class that sees ANTLR parse trees: turns a well-formed tree into AST records with
 * spans, reporting the few mistakes the grammar accepts on purpose so it can name them
 * ({@code ^}, chained comparisons, indexing a literal).
 */
final class AstBuilder {
    private final SourceFile source;
    private final Diagnostics diagnostics;

    AstBuilder(SourceFile source, Diagnostics diagnostics) {
        this.source = source;
        this.diagnostics = diagnostics;
    }

    ModelFile file(FileContext ctx) {
        List<Decl> decls = new ArrayList<>();
        for (DeclContext d : ctx.decl()) decls.add(decl(d));
        return new ModelFile(source, decls);
    }

    private Decl decl(DeclContext ctx) {
        return switch (ctx) {
            case ExprDefContext c -> new Decl.Def(id(c.name()), params(c.params()),
                    new FunctionBody.Expression(expr(c.expr())), span(c));
            case BlockDefContext c -> new Decl.Def(id(c.name()), params(c.params()),
                    new FunctionBody.Block(body(c.body()), span(c.LBRACE().getSymbol()).to(span(c.RBRACE().getSymbol()))), span(c));
            case LayerDeclContext c -> new Decl.Layer(id(c.name()), params(c.params()), body(c.body()), span(c));
            case ModelDeclContext c -> new Decl.Model(id(c.name()), body(c.body()), span(c));
            default -> throw new IllegalStateException("unknown declaration " + ctx.getClass().getSimpleName());
        };
    }

    private List<Param> params(ParamsContext ctx) {
        List<Param> out = new ArrayList<>();
        if (ctx == null) return out;
        for (ParamContext p : ctx.param()) {
            out.add(new Param(id(p.name()), Optional.ofNullable(p.typeExpr()).map(this::type),
                    Optional.ofNullable(p.expr()).map(this::expr), span(p)));
        }
        return out;
    }

    private List<Stmt> body(BodyContext ctx) {
        List<Stmt> out = new ArrayList<>();
        for (StmtContext s : ctx.stmt()) out.add(stmt(s));
        return out;
    }

    private Stmt stmt(StmtContext ctx) {
        Span span = span(ctx);
        return switch (ctx) {
            case InputStmtContext c -> new Stmt.Input(id(c.name()), type(c.typeExpr()), span);
            case ParamStmtContext c -> new Stmt.Param(id(c.name()), type(c.typeExpr()),
                    Optional.ofNullable(c.expr()).map(this::expr), span);
            case StateStmtContext c -> new Stmt.Param(id(c.name()), type(c.typeExpr()),
                    Optional.ofNullable(c.expr()).map(this::expr), span, true);
            case ConstStmtContext c -> new Stmt.Const(id(c.name()), expr(c.expr()), span);
            case LetStmtContext c -> new Stmt.Let(new Identifier(c.ID().getText(), span(c.ID().getSymbol())),
                    expr(c.expr()), span);
            case OutputStmtContext c -> new Stmt.Output(id(c.name()), Optional.ofNullable(c.expr()).map(this::expr), span);
            case LossStmtContext c -> new Stmt.Loss(Optional.ofNullable(c.name()).map(this::id), expr(c.expr()), span);
            case UpdateStmtContext c -> new Stmt.Update(c.name().stream().map(this::id).toList(), expr(c.expr()), span);
            case TrainStmtContext c -> new Stmt.Train(c.trainEntry().stream()
                    .map(e -> new Stmt.TrainEntry(id(e.name()), expr(e.expr()), span(e))).toList(), span);
            case ForwardExprStmtContext c -> new Stmt.Forward(params(c.params()),
                    new FunctionBody.Expression(expr(c.expr())), span);
            case ForwardBlockStmtContext c -> new Stmt.Forward(params(c.params()),
                    new FunctionBody.Block(body(c.body()), span(c.LBRACE().getSymbol()).to(span(c.RBRACE().getSymbol()))), span);
            case ReturnStmtContext c -> new Stmt.Return(expr(c.expr()), span);
            default -> throw new IllegalStateException("unknown statement " + ctx.getClass().getSimpleName());
        };
    }

    private TypeExpr type(TypeExprContext ctx) {
        List<TypeExpr.DimExpr> dims = new ArrayList<>();
        for (DimContext d : ctx.dim()) {
            dims.add(switch (d) {
                case DimLiteralContext c -> new TypeExpr.DimExpr.Literal(parseDim(c.INT().getSymbol()), span(c));
                case DimNameContext c -> new TypeExpr.DimExpr.Name(id(c.name()));
                case DimSpreadContext c -> new TypeExpr.DimExpr.Spread(id(c.name()), span(c));
                default -> throw new IllegalStateException("unknown dimension " + d.getClass().getSimpleName());
            });
        }
        return new TypeExpr(new Identifier(ctx.ID().getText(), span(ctx.ID().getSymbol())), dims, span(ctx));
    }

    private long parseDim(Token t) {
        try {
            return Long.parseLong(t.getText());
        } catch (NumberFormatException e) {
            diagnostics.error(span(t), "dimension " + t.getText() + " is too large");
            return 1;
        }
    }

    // Recursion here follows the parse tree's depth: brackets are capped by the lexer, and long
    // operator chains (left-nested) are handled by running the compiler on a thread with a
    // large stack (see Compiler).
    private Expr expr(ExprContext ctx) {
        return switch (ctx) {
            case PrimaryExprContext c -> primary(c.primary());
            case CallExprContext c -> new Expr.Call(expr(c.expr()), args(c.args()), span(c));
            case MemberExprContext c -> new Expr.Member(expr(c.expr()), id(c.name()), span(c));
            case IndexExprContext c -> index(c);
            case PowExprContext c -> binary(BinaryOp.POW, c.expr(0), c.expr(1), c.POW().getSymbol(), c);
            case CaretExprContext c -> {
                // Quoting the operands only when they are short keeps a long chain linear.
                Span left = span(c.expr(0)), right = span(c.expr(1));
                diagnostics.error(span(c.CARET().getSymbol()), "'^' is not an operator",
                        left.end() - left.start() + right.end() - right.start() <= 60
                                ? "use ** for powers: " + text(c.expr(0)) + " ** " + text(c.expr(1)) : "use ** for powers");
                yield binary(BinaryOp.POW, c.expr(0), c.expr(1), c.CARET().getSymbol(), c);
            }
            case UnaryExprContext c -> new Expr.Unary(switch (c.op.getType()) {
                case ModelParser.MINUS -> UnaryOp.NEG;
                case ModelParser.PLUS -> UnaryOp.PLUS;
                default -> UnaryOp.NOT;
            }, expr(c.expr()), span(c.op), span(c));
            case MulExprContext c -> binary(switch (c.op.getType()) {
                case ModelParser.STAR -> BinaryOp.MUL;
                case ModelParser.SLASH -> BinaryOp.DIV;
                default -> BinaryOp.MATMUL;
            }, c.expr(0), c.expr(1), c.op, c);
            case AddExprContext c -> binary(c.op.getType() == ModelParser.PLUS ? BinaryOp.ADD : BinaryOp.SUB,
                    c.expr(0), c.expr(1), c.op, c);
            case CompareExprContext c -> {
                // Comparisons are one left-associative level, so a chain nests on the left; it is
                // reported once, at its second operator (a chain of 20,000 is still one mistake).
                if (c.expr(0) instanceof CompareExprContext inner && !(inner.expr(0) instanceof CompareExprContext)) {
                    diagnostics.error(span(c.op), "comparisons cannot be chained",
                            "'" + text(c) + "' would compare the bool " + text(inner) + " with " + text(c.expr(1))
                                    + "; write (" + text(inner) + ") & (" + text(inner.expr(1)) + " " + c.op.getText()
                                    + " " + text(c.expr(1)) + ")");
                }
                yield binary(switch (c.op.getType()) {
                    case ModelParser.LT -> BinaryOp.LT;
                    case ModelParser.LE -> BinaryOp.LE;
                    case ModelParser.GT -> BinaryOp.GT;
                    case ModelParser.GE -> BinaryOp.GE;
                    case ModelParser.EQ -> BinaryOp.EQ;
                    default -> BinaryOp.NE;
                }, c.expr(0), c.expr(1), c.op, c);
            }
            case AndExprContext c -> binary(BinaryOp.AND, c.expr(0), c.expr(1), c.AMP().getSymbol(), c);
            case OrExprContext c -> binary(BinaryOp.OR, c.expr(0), c.expr(1), c.PIPE().getSymbol(), c);
            default -> throw new IllegalStateException("unknown expression " + ctx.getClass().getSimpleName());
        };
    }

    private Expr binary(BinaryOp op, ExprContext left, ExprContext right, Token opToken, ExprContext whole) {
        return new Expr.Binary(op, expr(left), expr(right), span(opToken), span(whole));
    }

    private Expr index(IndexExprContext c) {
        Expr target = expr(c.expr());
        if (target instanceof Expr.ListLiteral) {
            diagnostics.error(span(c.LBRACK().getSymbol()), "a tensor literal cannot be indexed",
                    "missing comma? '" + text(c) + "' reads as indexing '" + text(c.expr()) + "'");
        }
        List<Expr.Subscript> subs = new ArrayList<>();
        for (SubscriptContext s : c.subscript()) {
            subs.add(switch (s) {
                case IndexSubscriptContext i -> new Expr.Subscript.At(expr(i.expr()));
                case SliceSubscriptContext i -> new Expr.Subscript.Slice(
                        Optional.ofNullable(i.lo).map(this::expr), Optional.ofNullable(i.hi).map(this::expr),
                        Optional.ofNullable(i.step).map(this::expr), span(i));
                default -> throw new IllegalStateException("unknown subscript " + s.getClass().getSimpleName());
            });
        }
        return new Expr.Index(target, subs, span(c));
    }

    private Expr primary(PrimaryContext ctx) {
        Span span = span(ctx);
        return switch (ctx) {
            case IntLiteralContext c -> new Expr.Number(c.getText(), Double.parseDouble(c.getText()), true, span);
            case FloatLiteralContext c -> {
                double v = Double.parseDouble(c.getText());
                if (Double.isInfinite(v)) diagnostics.error(span, "number " + c.getText() + " is too large for f64");
                yield new Expr.Number(c.getText(), v, false, span);
            }
            case TrueLiteralContext c -> new Expr.Bool(true, span);
            case FalseLiteralContext c -> new Expr.Bool(false, span);
            case StringLiteralContext c -> new Expr.Str(c.getText().substring(1, c.getText().length() - 1), span);
            case NameRefContext c -> new Expr.Name(id(c.name()));
            case ParenExprContext c -> expr(c.expr());
            case ListLiteralContext c -> new Expr.ListLiteral(c.expr().stream().map(this::expr).toList(), span);
            default -> throw new IllegalStateException("unknown primary " + ctx.getClass().getSimpleName());
        };
    }

    private List<Expr.Arg> args(ArgsContext ctx) {
        List<Expr.Arg> out = new ArrayList<>();
        if (ctx == null) return out;
        for (ArgContext a : ctx.arg()) {
            out.add(switch (a) {
                case KeywordArgContext k -> new Expr.Arg(Optional.of(id(k.name())), expr(k.expr()), span(k));
                case PositionalArgContext p -> new Expr.Arg(Optional.empty(), expr(p.expr()), span(p));
                default -> throw new IllegalStateException("unknown argument " + a.getClass().getSimpleName());
            });
        }
        return out;
    }

    private Identifier id(NameContext ctx) {
        return new Identifier(ctx.getText(), span(ctx));
    }

    private Span span(ParserRuleContext ctx) {
        Token start = ctx.getStart();
        Token stop = ctx.getStop() != null ? ctx.getStop() : start;
        return SyntaxReader.span(source, start).to(SyntaxReader.span(source, stop));
    }

    private Span span(Token t) {
        return SyntaxReader.span(source, t);
    }

    private String text(ParserRuleContext ctx) {
        Span s = span(ctx);
        return source.slice(s.start(), s.end());
    }
}
