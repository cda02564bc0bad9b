package dev.modelc.cli;

import dev.modelc.runtime.exec.ExecutionError;
import java.io.PrintWriter;

/**
 * How a command that runs a model ends when the user's input is wrong: a mistake in the file or
 * the data ({@link UserError}), a run-time error of the model ({@link ExecutionError}) or the
 * heap running out become a message on stderr and exit 1, never a trace; both streams are
 * flushed whatever happens.
 */
final class Reported {
    private Reported() {
    }

    /** A command's work, which may fail with a user's mistake. */
    interface Work {
        int run() throws UserError;
    }

    /** {@code work}'s exit status, or 1 with its message; {@code doing} names the work for an out-of-memory message. */
    static int run(PrintWriter out, PrintWriter err, String doing, Work work) {
        try {
            return work.run();
        } catch (OutOfMemoryError e) {
            err.println("modelc: " + OutOfMemory.message(doing, false));
            return Main.USER_ERROR;
        } catch (UserError e) {
            err.print(e.report);
            return Main.USER_ERROR;
        } catch (ExecutionError e) {
            err.println("modelc: " + e.getMessage());
            return Main.USER_ERROR;
        } finally {
            out.flush();
            err.flush();
        }
    }
}
