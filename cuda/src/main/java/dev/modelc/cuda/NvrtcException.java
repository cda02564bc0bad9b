package dev.modelc.cuda;

/** NVRTC rejected generated CUDA C: a bug in modelc's renderer. Carries NVRTC's log and the source, numbered, for the report. */
public final class NvrtcException extends RuntimeException {
    private final String log;
    private final String source;

    public NvrtcException(String program, String log, String source) {
        super("NVRTC could not compile " + program + ":\n" + log.strip() + "\n--- generated CUDA C ---\n" + numbered(source));
        this.log = log;
        this.source = source;
    }

    public String log() {
        return log;
    }

    public String source() {
        return source;
    }

    /** NVRTC's log cites {@code program(line)}: numbered lines make it readable. */
    static String numbered(String source) {
        StringBuilder s = new StringBuilder();
        String[] lines = source.split("\n", -1);
        for (int i = 0; i < lines.length; i++) s.append(String.format("%4d  ", i + 1)).append(lines[i]).append('\n');
        return s.toString();
    }
}
