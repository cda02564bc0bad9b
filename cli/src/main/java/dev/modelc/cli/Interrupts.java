package dev.modelc.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Ctrl-C during training: the first one asks the run to stop after the current batch (the trainer
 * then keeps a checkpoint), a second one quits at once. It handles SIGINT through
 * {@code sun.misc.Signal} (in {@code jdk.unsupported}, reached reflectively so the build has no
 * warning about internal API); where that is not available, a shutdown hook asks for the stop and
 * waits until the run has wound down. {@link #close()} puts things back as they were.
 */
final class Interrupts implements AutoCloseable, BooleanSupplier {
    /** The exit status of a run stopped by Ctrl-C, as shells report a process ended by SIGINT. */
    static final int EXIT_CODE = 130;
    private static final long HOOK_WAIT_MINUTES = 10;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final PrintStream messages;
    private Runnable restore = () -> { };

    private Interrupts(PrintStream messages) {
        this.messages = messages;
    }

    /** Starts handling Ctrl-C, printing what it does to {@code messages}. */
    static Interrupts install(PrintStream messages) {
        Interrupts i = new Interrupts(messages);
        if (!i.installSignalHandler()) i.installShutdownHook();
        return i;
    }

    /** Whether a stop was asked for. */
    @Override
    public boolean getAsBoolean() {
        return requested.get();
    }

    /** Asks for a stop, as Ctrl-C does (for tests). */
    void request() {
        requested.set(true);
    }

    private void onInterrupt() {
        if (requested.compareAndSet(false, true)) {
            messages.println();
            messages.println("modelc: stopping after this batch (Ctrl-C again to quit at once)");
            messages.flush();
        } else {
            messages.println();
            messages.println("modelc: interrupted again; quitting without waiting for the batch");
            messages.flush();
            Runtime.getRuntime().halt(EXIT_CODE);
        }
    }

    private boolean installSignalHandler() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance("INT");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            onInterrupt();
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> "modelc Ctrl-C handler";
                        default -> null;
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, handler);
            restore = () -> {
                try {
                    handle.invoke(null, signal, previous);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // the process is ending; the old handler matters no more
                }
            };
            return true;
        } catch (InvocationTargetException e) {
            return false; // the signal is in use, e.g. under -Xrs
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }

    private void installShutdownHook() {
        Thread hook = new Thread(() -> {
            requested.set(true);
            messages.println();
            messages.println("modelc: stopping after this batch");
            messages.flush();
            try {
                finished.await(HOOK_WAIT_MINUTES, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "modelc-interrupt");
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException e) {
            return; // already shutting down
        }
        restore = () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook runs and waits for `finished`
            }
        };
    }

    /** Stops handling Ctrl-C; a shutdown hook waiting for the run may now let the process end. */
    @Override
    public void close() {
        restore.run();
        finished.countDown();
    }
}
