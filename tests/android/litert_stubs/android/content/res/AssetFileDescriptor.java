package android.content.res;

import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.IOException;

/** Stand-in: android.content.res.AssetFileDescriptor, only what the wrapper calls. */
public class AssetFileDescriptor implements Closeable {
    public FileDescriptor getFileDescriptor() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public long getStartOffset() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    public long getDeclaredLength() {
        throw new UnsupportedOperationException("compile-time stand-in");
    }

    @Override
    public void close() throws IOException {
        throw new UnsupportedOperationException("compile-time stand-in");
    }
}
