package dev.modelc.lsp;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * A real LSP4J client connected to a {@link Server} over pipes: every message crosses the
 * protocol as JSON-RPC, as from an editor. It keeps what the server publishes and logs.
 */
final class LspClient implements LanguageClient, AutoCloseable {
    final Map<String, LinkedBlockingQueue<PublishDiagnosticsParams>> diagnostics = new ConcurrentHashMap<>();
    final List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
    final LanguageServer server;
    private final Future<Void> listening;
    private final Thread serverThread;
    private final PipedOutputStream toServer;

    LspClient() throws IOException {
        PipedInputStream serverIn = new PipedInputStream(1 << 16);
        toServer = new PipedOutputStream(serverIn);
        PipedInputStream clientIn = new PipedInputStream(1 << 16);
        PipedOutputStream serverOut = new PipedOutputStream(clientIn);
        serverThread = Thread.ofPlatform().name("lsp-server-under-test").daemon().start(() -> {
            try {
                Server.serve(serverIn, serverOut, status -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(this, clientIn, toServer);
        server = launcher.getRemoteProxy();
        listening = launcher.startListening();
    }

    LspClient initialized() throws Exception {
        InitializeParams p = new InitializeParams();
        p.setCapabilities(new ClientCapabilities());
        server.initialize(p).get(30, TimeUnit.SECONDS);
        server.initialized(new InitializedParams());
        return this;
    }

    /** The next diagnostics published for {@code uri}. */
    PublishDiagnosticsParams nextDiagnostics(String uri) throws InterruptedException {
        PublishDiagnosticsParams p = queue(uri).poll(30, TimeUnit.SECONDS);
        if (p == null) throw new AssertionError("no diagnostics for " + uri + " within 30 s");
        return p;
    }

    /** Diagnostics for {@code uri} of document version {@code version}, skipping older ones. */
    PublishDiagnosticsParams diagnosticsOfVersion(String uri, int version) throws InterruptedException {
        while (true) {
            PublishDiagnosticsParams p = nextDiagnostics(uri);
            if (p.getVersion() != null && p.getVersion() == version) return p;
        }
    }

    LinkedBlockingQueue<PublishDiagnosticsParams> queue(String uri) {
        return diagnostics.computeIfAbsent(uri, u -> new LinkedBlockingQueue<>());
    }

    @Override
    public void telemetryEvent(Object object) {
    }

    @Override
    public void publishDiagnostics(PublishDiagnosticsParams params) {
        queue(params.getUri()).add(params);
    }

    @Override
    public void showMessage(MessageParams params) {
        logged.add(params.getMessage());
    }

    @Override
    public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams params) {
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void logMessage(MessageParams params) {
        logged.add(params.getMessage());
    }

    @Override
    public void close() throws Exception {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
            server.exit();
        } finally {
            toServer.close();
            listening.cancel(true);
            serverThread.join(10_000);
        }
    }
}
