package org.tensorflow.lite.gpu;

import java.io.Closeable;
import org.tensorflow.lite.Delegate;

/** Stand-in: org.tensorflow.lite.gpu.GpuDelegate (litert-gpu). */
public class GpuDelegate implements Delegate, Closeable {
    public GpuDelegate() {
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
