package dev.modelc.cli;

import dev.modelc.compiler.diagnostics.SourceFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a `.model` file as UTF-8, turning every I/O problem into a one-line message. */
final class SourceReader {
    private SourceReader() {
    }

    /** A file that could not be read, with a message fit for the user. */
    static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    static SourceFile read(Path path) throws Unreadable {
        byte[] bytes;
        try {
            if (Files.isDirectory(path)) throw new Unreadable(path + ": is a directory");
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new Unreadable(path + ": no such file");
        } catch (AccessDeniedException e) {
            throw new Unreadable(path + ": permission denied");
        } catch (IOException e) {
            throw new Unreadable(path + ": cannot read (" + e.getMessage() + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // Not UTF-8 (binary garbage, Latin-1): decode leniently so the compiler can point at
            // the bad characters rather than refusing the whole file.
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') text = text.substring(1);
        return new SourceFile(path.toString(), text);
    }
}
