package dev.modelc.lsp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The server's latency on a 1,000-line file, through the protocol: the time from an edit to its
 * diagnostics (less the {@value TextDocuments#DEBOUNCE_MS} ms debounce, which an editor waits
 * for by design), and hover. A benchmark, not a test: it prints numbers and asserts nothing,
 * and runs only when asked, on a quiet machine:
 * {@code mvn -B -o -pl lsp -am test -Dtest=LatencyBenchmark -Dmodelc.lsp.bench=true -Dsurefire.failIfNoSpecifiedTests=false}
 */
class LatencyBenchmark {
    static final int LINES = 1_000;

    /** A model of about {@code lines} lines: a chain of layers over f32[N, 16]. */
    static String file(int lines, double scale) {
        StringBuilder sb = new StringBuilder("# A long chain, for the latency benchmark.\nmodel Long {\n  input x: f32[N, 16]\n  input y: f32[N, 16]\n");
        sb.append("  param w: f32[16, 16] = normal(0, 0.1)\n  param b: f32[16] = zeros()\n  h0 = x\n");
        int body = lines - 10;
        for (int i = 1; i <= body; i++) {
            String s = i == body / 2 ? Double.toString(scale) : "1.0";
            sb.append("  h").append(i).append(" = tanh(h").append(i - 1).append(" @ w + b) * ").append(s).append('\n');
        }
        sb.append("  output out = h").append(body).append('\n');
        sb.append("  loss = mse_loss(out, y)\n}\n");
        return sb.toString();
    }

    @Test
    void diagnosticsAfterAnEditAndHover() throws Exception {
        assumeTrue(Boolean.getBoolean("modelc.lsp.bench"), "run with -Dmodelc.lsp.bench=true");
        String uri = "file:///bench/long.model";
        try (LspClient client = new LspClient().initialized()) {
            var service = client.server.getTextDocumentService();
            String text = file(LINES, 2.0);
            System.out.println("file: " + text.lines().count() + " lines, " + text.length() + " characters");
            service.didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, "model", 0, text)));
            client.diagnosticsOfVersion(uri, 0);
            List<Double> edits = new ArrayList<>();
            for (int v = 1; v <= 60; v++) {
                String edited = file(LINES, 2.0 + v);
                long t0 = System.nanoTime();
                service.didChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, v),
                        List.of(new TextDocumentContentChangeEvent(edited))));
                client.diagnosticsOfVersion(uri, v);
                double ms = (System.nanoTime() - t0) / 1e6 - TextDocuments.DEBOUNCE_MS;
                if (v > 20) edits.add(ms); // the first 20 warm the JIT
            }
            List<Double> hovers = new ArrayList<>();
            TextDocumentIdentifier doc = new TextDocumentIdentifier(uri);
            for (int i = 0; i < 300; i++) {
                int line = 7 + (i * 37) % (LINES - 12);
                long t0 = System.nanoTime();
                service.hover(new HoverParams(doc, new Position(line, 3))).get(30, TimeUnit.SECONDS);
                if (i >= 100) hovers.add((System.nanoTime() - t0) / 1e6);
            }
            System.out.printf("edit -> diagnostics, less the %d ms debounce: %s%n", TextDocuments.DEBOUNCE_MS, summary(edits));
            System.out.printf("hover: %s%n", summary(hovers));
        }
    }

    static String summary(List<Double> ms) {
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        return String.format("median %.1f ms, p90 %.1f ms, max %.1f ms (%d runs)", s.get(s.size() / 2), s.get(s.size() * 9 / 10), s.getLast(), s.size());
    }
}
