package dev.modelc.lsp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidCloseTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DidSaveTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbol;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Location;
import org.eclipse.lsp4j.LocationLink;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.RenameParams;
import org.eclipse.lsp4j.SemanticTokens;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.SymbolInformation;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextEdit;
import org.eclipse.lsp4j.WorkspaceEdit;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.services.TextDocumentService;

/**
 * Open documents and the requests about them. Text is synchronised whole (each change carries
 * the document); diagnostics are published {@link #DEBOUNCE_MS} after the last change, while
 * requests analyse the current text at once if it is newer than the last analysis.
 */
final class TextDocuments implements TextDocumentService {
    /** How long typing must pause before diagnostics are recomputed and published: short enough that a 1,000-line file shows its diagnostics within 100 ms of the last keystroke (the check takes about 35 ms). */
    static final long DEBOUNCE_MS = 50;

    /** An open document: its newest text and the newest analysis, and the last one whose text parsed. */
    private static final class Document {
        volatile String text;
        volatile int version;
        volatile Analysis analysis;
        volatile Analysis lastParsed;
        ScheduledFuture<?> pending;
    }

    private final Server server;
    private final Map<String, Document> open = new ConcurrentHashMap<>();

    TextDocuments(Server server) {
        this.server = server;
    }

    @Override
    public void didOpen(DidOpenTextDocumentParams params) {
        Document d = new Document();
        d.text = params.getTextDocument().getText();
        d.version = params.getTextDocument().getVersion();
        open.put(params.getTextDocument().getUri(), d);
        schedule(params.getTextDocument().getUri(), d, 0);
    }

    @Override
    public void didChange(DidChangeTextDocumentParams params) {
        Document d = open.get(params.getTextDocument().getUri());
        if (d == null) return;
        for (TextDocumentContentChangeEvent change : params.getContentChanges()) {
            if (change.getRange() == null) d.text = change.getText();
            else d.text = applyRange(d.text, change);
        }
        d.version = params.getTextDocument().getVersion();
        schedule(params.getTextDocument().getUri(), d, DEBOUNCE_MS);
    }

    /** A ranged change, for clients that send them although the server asked for whole texts. */
    private static String applyRange(String text, TextDocumentContentChangeEvent change) {
        LineIndex lines = new LineIndex(text.codePoints().toArray());
        int start = lines.offset(change.getRange().getStart());
        int end = lines.offset(change.getRange().getEnd());
        int s = text.offsetByCodePoints(0, start), e = text.offsetByCodePoints(0, end);
        return text.substring(0, s) + change.getText() + text.substring(e);
    }

    @Override
    public void didClose(DidCloseTextDocumentParams params) {
        Document d = open.remove(params.getTextDocument().getUri());
        if (d != null) {
            synchronized (d) {
                if (d.pending != null) d.pending.cancel(false);
            }
            server.client().publishDiagnostics(new PublishDiagnosticsParams(params.getTextDocument().getUri(), List.of()));
        }
    }

    @Override
    public void didSave(DidSaveTextDocumentParams params) {
    }

    private void schedule(String uri, Document d, long delayMs) {
        synchronized (d) {
            if (d.pending != null) d.pending.cancel(false);
            d.pending = server.timer().schedule(() -> publish(uri, d), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void publish(String uri, Document d) {
        server.onWorker("diagnostics", () -> {
            if (open.get(uri) != d) return null;
            int version = d.version;
            Analysis a = analysis(uri, d);
            server.client().publishDiagnostics(new PublishDiagnosticsParams(uri,
                    Problems.convert(a, server.prelude(), uri), version));
            return null;
        }, null);
    }

    /** The analysis of {@code d}'s current text (on the worker thread). */
    private Analysis analysis(String uri, Document d) {
        String text = d.text;
        Analysis a = d.analysis;
        if (a == null || !a.text().equals(text)) {
            a = Analysis.of(name(uri), text, server.prelude());
            d.analysis = a;
            if (a.symbols().isPresent()) d.lastParsed = a;
        }
        return a;
    }

    /** The file name diagnostics carry: the URI's last segment, as the command line names a file it was given. */
    private static String name(String uri) {
        int slash = uri.lastIndexOf('/');
        return java.net.URLDecoder.decode(slash >= 0 ? uri.substring(slash + 1) : uri, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Runs a request on the current analysis of {@code uri} (the fallback when the document is not open). */
    private <T> CompletableFuture<T> request(String what, String uri, Request<T> work, T fallback) {
        return server.onWorker(what, () -> {
            Document d = open.get(uri);
            if (d == null) return fallback;
            Analysis a = analysis(uri, d);
            return work.answer(a, d.lastParsed);
        }, fallback);
    }

    @FunctionalInterface
    private interface Request<T> {
        T answer(Analysis current, Analysis lastParsed);
    }

    @Override
    public CompletableFuture<Hover> hover(HoverParams params) {
        String uri = params.getTextDocument().getUri();
        return request("hover", uri, (a, p) -> Hovers.hover(a, a.lines().offset(params.getPosition())), null);
    }

    @Override
    public CompletableFuture<Either<List<? extends Location>, List<? extends LocationLink>>> definition(DefinitionParams params) {
        String uri = params.getTextDocument().getUri();
        return request("definition", uri, (a, p) -> Either.forLeft(
                Navigation.definition(a, uri, server.prelude(), a.lines().offset(params.getPosition()))), Either.forLeft(List.of()));
    }

    @Override
    public CompletableFuture<List<? extends Location>> references(ReferenceParams params) {
        String uri = params.getTextDocument().getUri();
        return request("references", uri, (a, p) -> Navigation.references(a, uri, a.lines().offset(params.getPosition()),
                params.getContext() == null || params.getContext().isIncludeDeclaration()), List.of());
    }

    @Override
    public CompletableFuture<WorkspaceEdit> rename(RenameParams params) {
        String uri = params.getTextDocument().getUri();
        return request("rename", uri, (a, p) -> Navigation.rename(a, uri, a.lines().offset(params.getPosition()),
                params.getNewName()), null);
    }

    @Override
    public CompletableFuture<Either<List<CompletionItem>, CompletionList>> completion(CompletionParams params) {
        String uri = params.getTextDocument().getUri();
        return request("completion", uri, (a, p) -> Either.forRight(
                Completions.complete(a, p, a.lines().offset(params.getPosition()))), Either.forRight(new CompletionList(List.of())));
    }

    @Override
    public CompletableFuture<List<Either<SymbolInformation, DocumentSymbol>>> documentSymbol(DocumentSymbolParams params) {
        String uri = params.getTextDocument().getUri();
        return request("documentSymbol", uri, (a, p) -> Outline.symbols(a), List.of());
    }

    @Override
    public CompletableFuture<SemanticTokens> semanticTokensFull(SemanticTokensParams params) {
        String uri = params.getTextDocument().getUri();
        return request("semanticTokens", uri, (a, p) -> dev.modelc.lsp.SemanticTokens.of(a), new SemanticTokens(List.of()));
    }

    @Override
    public CompletableFuture<List<? extends TextEdit>> formatting(DocumentFormattingParams params) {
        String uri = params.getTextDocument().getUri();
        return request("formatting", uri, (a, p) -> {
            if (a.tree().isEmpty()) return List.of(); // a file that does not parse is left as it is
            String formatted = Formatter.format(a.text());
            if (formatted.equals(a.text())) return List.of();
            return List.of(new TextEdit(a.lines().range(0, a.tokens().codePoints().length), formatted));
        }, List.of());
    }
}
