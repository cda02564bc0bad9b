package dev.modelc.lsp;

import org.eclipse.lsp4j.jsonrpc.ResponseErrorException;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseError;
import org.eclipse.lsp4j.jsonrpc.messages.ResponseErrorCode;

/** A request the server answers with a message for the user (renaming a prelude name), not a failure. */
final class RequestRefused extends RuntimeException {
    RequestRefused(String message) {
        super(message, null, false, false);
    }

    ResponseErrorException asResponseError() {
        return new ResponseErrorException(new ResponseError(ResponseErrorCode.InvalidRequest, getMessage(), null));
    }
}
