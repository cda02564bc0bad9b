package dev.modelc.lsp;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.RenameOptions;
import org.eclipse.lsp4j.SemanticTokensWithRegistrationOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.LanguageServer;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * {@code modelc lsp}: the language server. All analysis runs on one worker thread with the
 * compiler's large stack, so requests see documents in the order their edits came; a request's
 * own failure is logged to the client and answered with an empty result, never a dead server.
 */
public final class Server implements LanguageServer, LanguageClientAware {
    /** Stages recurse along the syntax tree (see the compiler's Compiler.STACK_BYTES). */
    private static final long STACK_BYTES = 1L << 30;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().name("modelc-lsp-analysis").daemon().stackSize(STACK_BYTES).unstarted(r));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("modelc-lsp-debounce").daemon().unstarted(r));
    private final PreludeDocument prelude = new PreludeDocument();
    private final TextDocuments documents = new TextDocuments(this);
    private final Workspace workspace = new Workspace();
    private final IntConsumer onExit;
    private volatile LanguageClient client;
    private volatile boolean shutdown;

    /**
     * {@code onExit} gets the client's exit notification with the status the protocol asks for
     * (0 after a shutdown request, 1 without one); the command ends the process with it.
     */
    public Server(IntConsumer onExit) {
        this.onExit = onExit;
    }

    /** Serves one client over {@code in} and {@code out} until the input ends. */
    public static void serve(InputStream in, OutputStream out, IntConsumer onExit) throws InterruptedException {
        Server server = new Server(onExit);
        Launcher<LanguageClient> launcher = LSPLauncher.createServerLauncher(server, in, out);
        server.connect(launcher.getRemoteProxy());
        try {
            launcher.startListening().get();
        } catch (ExecutionException e) {
            System.err.println("modelc lsp: the connection failed: " + e.getCause());
        } finally {
            server.worker.shutdownNow();
            server.timer.shutdownNow();
        }
    }

    @Override
    public void connect(LanguageClient client) {
        this.client = client;
    }

    LanguageClient client() {
        return client;
    }

    PreludeDocument prelude() {
        return prelude;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        ServerCapabilities caps = new ServerCapabilities();
        caps.setTextDocumentSync(TextDocumentSyncKind.Full);
        caps.setHoverProvider(true);
        caps.setDefinitionProvider(true);
        caps.setReferencesProvider(true);
        caps.setRenameProvider(new RenameOptions(false));
        caps.setCompletionProvider(new CompletionOptions(false, List.of(".", "[", "(", ",", ":")));
        caps.setDocumentSymbolProvider(true);
        caps.setDocumentFormattingProvider(true);
        caps.setSemanticTokensProvider(new SemanticTokensWithRegistrationOptions(SemanticTokens.LEGEND, true));
        return CompletableFuture.completedFuture(new InitializeResult(caps, new ServerInfo("modelc", version())));
    }

    private static String version() {
        String v = Server.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdown = true;
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void exit() {
        onExit.accept(shutdown ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documents;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    /**
     * Runs {@code work} on the analysis thread; a failure is logged and answered with
     * {@code fallback}, so one bad request never ends the session.
     */
    <T> CompletableFuture<T> onWorker(String what, Supplier<T> work, T fallback) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (RequestRefused refused) {
                throw refused.asResponseError();
            } catch (Throwable t) {
                log(what, t);
                return fallback;
            }
        }, worker);
    }

    /** Writes a failure of the server itself to the client's log (and standard error). */
    void log(String what, Throwable t) {
        StringWriter trace = new StringWriter();
        t.printStackTrace(new PrintWriter(trace));
        String message = "modelc lsp: " + what + " failed: " + trace;
        System.err.println(message);
        LanguageClient c = client;
        if (c != null) {
            try {
                c.logMessage(new MessageParams(MessageType.Error, message));
            } catch (RuntimeException ignored) {
                // the client is gone; standard error has it
            }
        }
    }
}
