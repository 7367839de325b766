"""The Android target: an app-ready library module (``package``) and latency capture over adb (``bench``).

Nothing here imports TensorFlow; LiteRT is imported only by the emulated device in ``edgekit.android.testing``.
"""
