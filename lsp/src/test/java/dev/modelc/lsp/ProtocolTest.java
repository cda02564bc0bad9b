package dev.modelc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each request of the server, through a real LSP4J client over pipes, on one file with a shape error. */
class ProtocolTest {
    static final String URI = "file:///work/broken.model";
    static final String TEXT = """
            # A model with one mistake.
            layer Block(n) {
              param w: f32[n, n] = randn()
              forward(x) = x @ w
            }

            model Broken {
              input x: f32[N, 3]
              input y: f32[N, 2]
              block = Block(3)
              h = block(x)
              output preds = h + y
              loss = mse_loss(preds, y)
            }
            """;

    static LspClient client;
    static int version = 1;

    @BeforeAll
    static void start() throws Exception {
        client = new LspClient().initialized();
        client.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(URI, "model", version, TEXT)));
    }

    @AfterAll
    static void stop() throws Exception {
        assertEquals(List.of(), client.logged, "the server logged failures");
        client.close();
    }

    static <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(30, TimeUnit.SECONDS);
    }

    static TextDocumentIdentifier doc() {
        return new TextDocumentIdentifier(URI);
    }

    /** The position of the {@code nth} (from 0) occurrence of {@code what} in {@code text}, plus {@code into} characters. */
    static Position at(String text, String what, int nth, int into) {
        int i = -1;
        for (int k = 0; k <= nth; k++) i = text.indexOf(what, i + 1);
        assertTrue(i >= 0, what);
        int line = (int) text.substring(0, i).chars().filter(c -> c == '\n').count();
        int col = i - (text.lastIndexOf('\n', i - 1) + 1);
        return new Position(line, col + into);
    }

    @Test
    void diagnosticsAreTheCommandLines() throws Exception {
        PublishDiagnosticsParams p = client.diagnosticsOfVersion(URI, 1);
        var expected = Compiler.compile(new SourceFile("broken.model", TEXT)).diagnostics();
        assertEquals(1, expected.size());
        assertEquals(1, p.getDiagnostics().size());
        var d = p.getDiagnostics().getFirst();
        StringBuilder message = new StringBuilder(expected.getFirst().message());
        for (String note : expected.getFirst().notes()) message.append('\n').append(note);
        assertEquals(message.toString(), d.getMessage());
        assertEquals("cannot add f32[N, 3] and f32[N, 2]\ndimension -1 is 3 on the left and 2 on the right (NumPy broadcasting)", d.getMessage());
        assertEquals(new Range(at(TEXT, "+ y", 0, 0), at(TEXT, "+ y", 0, 1)), d.getRange()); // the operator, as the command line's caret
        assertEquals("modelc", d.getSource());
    }

    @Test
    void aMistakeInPreludeCodePointsIntoThePrelude() throws Exception {
        String uri = "file:///work/prelude_error.model";
        String text = "model P {\n  input x: f32[N, 4]\n  lin = Linear(3, 2)\n  output y = lin(x)\n}\n";
        client.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "model", 1, text)));
        var d = client.diagnosticsOfVersion(uri, 1).getDiagnostics().getFirst();
        assertEquals("cannot matrix-multiply f32[N, 4] and f32[3, 2]\nthe left's last axis is 4 but the right's second-to-last axis is 3\n"
                + "in the forward of 'Linear' (from the prelude), at: x @ weight.T", d.getMessage());
        assertEquals(new Range(new Position(3, 13), new Position(3, 19)), d.getRange());
        var member = get(client.server.getTextDocumentService().hover(new HoverParams(new TextDocumentIdentifier(uri), new Position(2, 2))));
        assertTrue(member.getContents().getRight().getValue().contains("instance of layer Linear"), member.getContents().getRight().getValue());
        var related = d.getRelatedInformation().getFirst().getLocation();
        assertTrue(related.getUri().endsWith("/prelude.model"), related.getUri());
        String prelude = dev.modelc.compiler.check.Prelude.source().text();
        assertEquals(new Range(at(prelude, "x @ weight.T", 0, 0), at(prelude, "x @ weight.T", 0, 12)), related.getRange());
    }

    @Test
    void membersOfAPreludeLayersInstance() throws Exception {
        String uri = "file:///work/members.model";
        String text = "model Q {\n  input x: f32[N, 3]\n  lin = Linear(3, 2)\n  output y = lin(x)\n  output w = lin.weight\n}\n";
        client.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "model", 1, text)));
        TextDocumentIdentifier members = new TextDocumentIdentifier(uri);
        var hover = get(client.server.getTextDocumentService().hover(new HoverParams(members, at(text, "weight", 0, 1))));
        String hoverText = hover.getContents().getRight().getValue();
        assertTrue(hoverText.startsWith("```model\nparam weight: f32[out, in]\n```\n\ntype: `f32[2, 3]`"), hoverText);
        assertTrue(hoverText.contains("param in layer Linear (prelude)"), hoverText);
        var list = get(client.server.getTextDocumentService().completion(new CompletionParams(members, at(text, "weight", 0, 0)))).getRight();
        assertEquals(List.of("weight", "bias"), list.getItems().stream().map(CompletionItem::getLabel).toList());
    }

    @Test
    void hoverShowsTypesSignaturesAndBuiltins() throws Exception {
        var local = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "h = block", 0, 0))));
        assertTrue(local.getContents().getRight().getValue().contains("type: `f32[N, 3]`"), local.getContents().getRight().getValue());
        var input = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "y)", 0, 0))));
        assertTrue(input.getContents().getRight().getValue().contains("input y: f32[N, 2]"), input.getContents().getRight().getValue());
        var weight = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "@ w", 0, 2))));
        String weightText = weight.getContents().getRight().getValue();
        assertTrue(weightText.startsWith("```model\nparam w: f32[n, n]\n```"), weightText);
        assertTrue(weightText.contains("type: `f32[3, 3]`") && weightText.endsWith("param in layer Block"), weightText);
        var def = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "mse_loss", 0, 2))));
        String defText = def.getContents().getRight().getValue();
        assertTrue(defText.contains("def mse_loss(a: float[*S], b: float[*S])"), defText);
        assertTrue(defText.contains("F.mse_loss"), defText);
        var layer = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "Block(3)", 0, 1))));
        String layerText = layer.getContents().getRight().getValue();
        assertTrue(layerText.contains("layer Block(n)\n  param w: f32[n, n]\n  forward(x)"), layerText);
        assertTrue(layerText.contains("A model with one mistake."), layerText);
        var builtin = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "randn", 0, 1))));
        String builtinText = builtin.getContents().getRight().getValue();
        assertTrue(builtinText.contains("randn()") && builtinText.contains("standard normal"), builtinText);
        var matmul = get(client.server.getTextDocumentService().hover(new HoverParams(doc(), at(TEXT, "@", 0, 0))));
        assertTrue(matmul.getContents().getRight().getValue().contains("`f32[N, 3]`"), matmul.getContents().getRight().getValue());
    }

    @Test
    void definitionGoesIntoThePrelude() throws Exception {
        List<? extends Location> prelude = get(client.server.getTextDocumentService().definition(
                new DefinitionParams(doc(), at(TEXT, "mse_loss", 0, 0)))).getLeft();
        assertEquals(1, prelude.size());
        assertTrue(prelude.getFirst().getUri().endsWith("/prelude.model"), prelude.getFirst().getUri());
        String preludeText = dev.modelc.compiler.check.Prelude.source().text();
        assertEquals(at(preludeText, "def mse_loss", 0, 4), prelude.getFirst().getRange().getStart());
        List<? extends Location> layer = get(client.server.getTextDocumentService().definition(
                new DefinitionParams(doc(), at(TEXT, "Block(3)", 0, 0)))).getLeft();
        assertEquals(List.of(new Location(URI, new Range(new Position(1, 6), new Position(1, 11)))), layer);
    }

    @Test
    void referencesAndRename() throws Exception {
        List<? extends Location> refs = get(client.server.getTextDocumentService().references(
                new ReferenceParams(doc(), at(TEXT, "h + y", 0, 0), new ReferenceContext(true))));
        assertEquals(List.of(at(TEXT, "h = block", 0, 0), at(TEXT, "h + y", 0, 0)), refs.stream().map(l -> l.getRange().getStart()).toList());
        WorkspaceEdit edit = get(client.server.getTextDocumentService().rename(new RenameParams(doc(), at(TEXT, "block(x)", 0, 0), "blk")));
        List<TextEdit> edits = edit.getChanges().get(URI);
        assertEquals(List.of(at(TEXT, "block = ", 0, 0), at(TEXT, "block(x)", 0, 0)), edits.stream().map(e -> e.getRange().getStart()).toList());
        assertTrue(edits.stream().allMatch(e -> e.getNewText().equals("blk")));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> get(client.server.getTextDocumentService().rename(
                new RenameParams(doc(), at(TEXT, "mse_loss", 0, 0), "mse"))));
        assertTrue(refused.getCause() instanceof ResponseErrorException, refused.toString());
        assertEquals("'mse_loss' is declared in the prelude, which cannot be edited", refused.getCause().getMessage());
    }

    @Test
    void documentSymbolsAndSemanticTokens() throws Exception {
        var symbols = get(client.server.getTextDocumentService().documentSymbol(new DocumentSymbolParams(doc())));
        List<DocumentSymbol> top = symbols.stream().map(e -> e.getRight()).toList();
        assertEquals(List.of("Block", "Broken"), top.stream().map(DocumentSymbol::getName).toList());
        assertEquals(List.of("x", "y", "block", "h", "preds"), top.get(1).getChildren().stream().map(DocumentSymbol::getName).toList());
        var tokens = get(client.server.getTextDocumentService().semanticTokensFull(new SemanticTokensParams(doc())));
        List<Integer> data = tokens.getData();
        assertEquals(0, data.size() % 5);
        // the first token is the comment on line 0, the second `layer` on line 1, a keyword
        assertEquals(List.of(0, 0, 27, SemanticTokens.TYPES.indexOf("comment"), 0), data.subList(0, 5));
        assertEquals(List.of(1, 0, 5, SemanticTokens.TYPES.indexOf("keyword"), 0), data.subList(5, 10));
        // `Block` declared: a class with the declaration modifier
        assertEquals(List.of(0, 6, 5, SemanticTokens.TYPES.indexOf("class"), 1), data.subList(10, 15));
    }

    /** Completions at the end of {@code line} inserted after the model's {@code h = block(x)}. */
    static List<String> completeAfter(String line) throws Exception {
        String text = TEXT.replace("  h = block(x)\n", "  h = block(x)\n" + line + "\n");
        version++;
        client.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, version),
                List.of(new TextDocumentContentChangeEvent(text))));
        Position end = at(text, line, 0, line.length());
        var list = get(client.server.getTextDocumentService().completion(new CompletionParams(doc(), end))).getRight();
        return list.getItems().stream().map(CompletionItem::getLabel).toList();
    }

    @Test
    void completion() throws Exception {
        try {
            assertEquals(List.of("w"), completeAfter("  z = block."));
            List<String> keywords = completeAfter("  z = sum(h, ");
            assertTrue(keywords.containsAll(List.of("axis =", "keepdims =")), keywords.toString());
            assertTrue(keywords.containsAll(List.of("h", "block", "x", "Block", "Linear", "mse_loss", "relu", "input")), keywords.toString());
            assertTrue(!keywords.contains("preds"), "preds is declared after the cursor: " + keywords);
            assertEquals(List.of("N"), completeAfter("  input z: f32["));
            assertEquals(Keywords.DTYPES, completeAfter("  input z: "));
        } finally {
            restore();
        }
    }

    @Test
    void formattingUsesTheFormatter() throws Exception {
        try {
            String messy = TEXT.replace("h = block(x)", "h=block( x )").replace("  loss", "      loss");
            version++;
            client.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, version),
                    List.of(new TextDocumentContentChangeEvent(messy))));
            var edits = get(client.server.getTextDocumentService().formatting(new DocumentFormattingParams(doc(), new FormattingOptions(2, true))));
            assertEquals(1, edits.size());
            assertEquals(TEXT, edits.getFirst().getNewText());
            assertEquals(new Range(new Position(0, 0), new Position(14, 0)), edits.getFirst().getRange());
        } finally {
            restore();
        }
    }

    static void restore() {
        version++;
        client.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(URI, version),
                List.of(new TextDocumentContentChangeEvent(TEXT))));
    }
}
