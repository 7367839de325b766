package android.content.res;

import java.io.IOException;

/** Stand-in: android.content.res.AssetManager, only what the wrapper calls. */
public final class AssetManager {
    public AssetFileDescriptor openFd(String fileName) throws IOException {
        throw new UnsupportedOperationException("compile-time stand-in");
    }
}
