package dev.modelc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;
import org.junit.jupiter.api.Test;

/**
 * {@code modelc lsp} as an editor starts it: a process speaking LSP on its standard input and
 * output (nothing else may reach standard output), which ends with status 0 after the client's
 * shutdown and exit.
 */
class LspCommandTest {
    @Test
    void servesAClientOverStandardInputAndOutput() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "lsp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            LinkedBlockingQueue<PublishDiagnosticsParams> published = new LinkedBlockingQueue<>();
            LanguageClient client = new LanguageClient() {
                @Override
                public void telemetryEvent(Object object) {
                }

                @Override
                public void publishDiagnostics(PublishDiagnosticsParams diagnostics) {
                    published.add(diagnostics);
                }

                @Override
                public void showMessage(MessageParams messageParams) {
                }

                @Override
                public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams requestParams) {
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public void logMessage(MessageParams message) {
                }
            };
            var launcher = LSPLauncher.createClientLauncher(client, process.getInputStream(), process.getOutputStream());
            launcher.startListening();
            LanguageServer server = launcher.getRemoteProxy();
            InitializeParams init = new InitializeParams();
            init.setCapabilities(new ClientCapabilities());
            var result = server.initialize(init).get(60, TimeUnit.SECONDS);
            assertEquals("modelc", result.getServerInfo().getName());
            server.initialized(new InitializedParams());
            String text = "model M {\n  input x: f32[N, 3]\n  output y = x @ x\n}\n";
            server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem("file:///m.model", "model", 1, text)));
            PublishDiagnosticsParams p = published.poll(60, TimeUnit.SECONDS);
            assertTrue(p != null, "no diagnostics within 60 s");
            assertEquals(1, p.getDiagnostics().size());
            assertTrue(p.getDiagnostics().getFirst().getMessage().startsWith("cannot matrix-multiply f32[N, 3] and f32[N, 3]"),
                    p.getDiagnostics().getFirst().getMessage());
            server.shutdown().get(30, TimeUnit.SECONDS);
            server.exit();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "modelc lsp did not end after exit");
            assertEquals(0, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
