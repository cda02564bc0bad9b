package dev.modelc.lsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelc.compiler.Compiler;
import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DefinitionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.DocumentFormattingParams;
import org.eclipse.lsp4j.DocumentSymbolParams;
import org.eclipse.lsp4j.FormattingOptions;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ReferenceContext;
import org.eclipse.lsp4j.ReferenceParams;
import org.eclipse.lsp4j.SemanticTokensParams;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.junit.jupiter.api.Test;

/**
 * Types every sample file into the server as an editor would, one state after another, and asks
 * every kind of request at the cursor of each state: none may fail or time out, and the server
 * may log no failure. Each prefix of a file is a state an editor sends; to keep this test near
 * a minute on two busy cores it takes every prefix of the smallest sample and, of the others,
 * every {@link #STATES_PER_FILE}th part (a stride of length / {@value #STATES_PER_FILE}, at
 * least 1), always including each line's end and the whole file. At the end of each file the
 * published diagnostics equal the compiler's for the whole text.
 */
class EditingTest {
    static final int STATES_PER_FILE = 200;
    static final long TIMEOUT_S = 20;

    static List<Path> samples() throws IOException {
        try (Stream<Path> s = Files.walk(Path.of("../samples"))) {
            return s.filter(p -> p.toString().endsWith(".model")).filter(p -> !p.toString().contains("/target/")).sorted().toList();
        }
    }

    @Test
    void everySampleTypedCharacterByCharacter() throws Exception {
        List<Path> files = samples();
        assertTrue(files.size() >= 10, "samples found: " + files);
        Path smallest = files.stream().min((a, b) -> Long.compare(a.toFile().length(), b.toFile().length())).orElseThrow();
        int requests = 0;
        try (LspClient client = new LspClient().initialized()) {
            for (Path file : files) {
                String text = Files.readString(file);
                String uri = file.toAbsolutePath().normalize().toUri().toString();
                int version = 0;
                client.server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "model", version, "")));
                int stride = file.equals(smallest) ? 1 : Math.max(1, text.length() / STATES_PER_FILE);
                for (int end = 1; end <= text.length(); end++) {
                    boolean lineEnd = text.charAt(end - 1) == '\n';
                    if (end % stride != 0 && !lineEnd && end != text.length()) continue;
                    if (Character.isLowSurrogate(text.charAt(end - 1)) || end < text.length() && Character.isLowSurrogate(text.charAt(end))) continue;
                    String prefix = text.substring(0, end);
                    version++;
                    client.server.getTextDocumentService().didChange(new DidChangeTextDocumentParams(
                            new VersionedTextDocumentIdentifier(uri, version), List.of(new TextDocumentContentChangeEvent(prefix))));
                    requests += ask(client, uri, prefix);
                }
                PublishDiagnosticsParams last = client.diagnosticsOfVersion(uri, version);
                var expected = Compiler.compile(new SourceFile(file.getFileName().toString(), text)).diagnostics();
                assertEquals(expected.size(), last.getDiagnostics().size(), file.toString());
                for (int i = 0; i < expected.size(); i++) {
                    assertTrue(last.getDiagnostics().get(i).getMessage().startsWith(expected.get(i).message()), file.toString());
                }
            }
            assertEquals(List.of(), client.logged, "the server logged failures");
        }
        assertTrue(requests > 5_000, "requests: " + requests);
    }

    /** Every request at the cursor (the end of {@code text}) and one in the middle; returns how many. */
    private static int ask(LspClient client, String uri, String text) throws Exception {
        TextDocumentIdentifier doc = new TextDocumentIdentifier(uri);
        Position end = position(text, text.length());
        Position back = position(text, Math.max(0, text.length() - 2));
        Position middle = position(text, text.length() / 2);
        var service = client.server.getTextDocumentService();
        List<CompletableFuture<?>> all = new ArrayList<>();
        all.add(service.hover(new HoverParams(doc, back)));
        all.add(service.hover(new HoverParams(doc, middle)));
        all.add(service.completion(new CompletionParams(doc, end)));
        all.add(service.definition(new DefinitionParams(doc, middle)));
        all.add(service.references(new ReferenceParams(doc, back, new ReferenceContext(true))));
        all.add(service.documentSymbol(new DocumentSymbolParams(doc)));
        all.add(service.semanticTokensFull(new SemanticTokensParams(doc)));
        all.add(service.formatting(new DocumentFormattingParams(doc, new FormattingOptions(2, true))));
        for (CompletableFuture<?> f : all) f.get(TIMEOUT_S, TimeUnit.SECONDS);
        return all.size();
    }

    /** The protocol position of character {@code offset} (UTF-16) of {@code text}. */
    static Position position(String text, int offset) {
        int line = 0, lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new Position(line, offset - lineStart);
    }
}
