package org.tensorflow.lite;

import java.nio.ByteBuffer;
import java.util.Map;

/** Stand-in: the members of org.tensorflow.lite.Interpreter the generated wrapper calls. */
public final class Interpreter implements AutoCloseable {
    /** Stand-in: org.tensorflow.lite.Interpreter.Options (builder-style setters return the options). */
    public static class Options {
        public Options() {}

        public Options setNumThreads(int numThreads) {
            throw new UnsupportedOperationException("compile-time stand-in");
        }

        public Options setUseXNNPACK(boolean useXNNPACK) {
            throw new UnsupportedOperationException("compile-time stand-in");
        }

        public Options setUseNNAPI(boolean useNNAPI) {
            throw new UnsupportedOperationException("compile-time stand-in");
        }

        public Options addDelegate(Delegate delegate) {
            throw new UnsupportedOperationException("compile-time stand-in");
        }
    }

    public Interpreter(ByteBuffer byteBuffer, Options options) {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public void runForMultipleInputsOutputs(Object[] inputs, Map<Integer, Object> outputs) {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }
}
