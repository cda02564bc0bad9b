package dev.modelc.cli;

import dev.modelc.lsp.Server;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code modelc lsp}: the language server, speaking LSP over standard input and output. */
@Command(name = "lsp",
        mixinStandardHelpOptions = true,
        description = {"Runs the language server for editors, over standard input and output.",
                "Diagnostics as you type, hover with dtypes and shapes, go to definition,",
                "references, rename, completion, document symbols, semantic tokens and",
                "formatting (LSP). See docs/editors.md."},
        footer = {"", "Exit status: 0 after the client's shutdown and exit, 1 on exit without shutdown."})
final class LspCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        // Standard output carries the protocol alone: anything else printed goes to standard error.
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        int[] status = {Main.OK};
        Server.serve(new FileInputStream(FileDescriptor.in), protocol, code -> {
            status[0] = code;
            System.exit(code);
        });
        return status[0];
    }
}
