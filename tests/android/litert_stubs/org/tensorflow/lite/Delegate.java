package org.tensorflow.lite;

/** Stand-in: org.tensorflow.lite.Delegate. */
public interface Delegate {
    long getNativeHandle();

    default void close() {}
}
