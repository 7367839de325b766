package org.tensorflow.lite.nnapi;

import org.tensorflow.lite.Delegate;

/** Stand-in: org.tensorflow.lite.nnapi.NnApiDelegate. */
public class NnApiDelegate implements Delegate, AutoCloseable {
    public NnApiDelegate() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    @Override
    public long getNativeHandle() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }
}
