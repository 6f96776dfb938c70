package io.isohost.container;

/** An isolate could not be made or started; the message names the component and what is wrong. */
public class IsolateException extends Exception {
    public IsolateException(String message) {
        super(message);
    }

    public IsolateException(String message, Throwable cause) {
        super(message, cause);
    }
}
