package android.content;

import android.content.res.AssetManager;

/** Stand-in: android.content.Context, only what the wrapper calls. */
public abstract class Context {
    public abstract AssetManager getAssets();
}
