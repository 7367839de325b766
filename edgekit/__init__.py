"""edgekit: a trained Keras model to a measured deployment on a Cortex-M microcontroller or an Android phone.

The library API mirrors the pipeline; heavy modules (TensorFlow) load only when a training step is called.
"""

from edgekit.errors import EdgekitError

__version__ = "0.1.0"
__all__ = ["EdgekitError", "__version__"]
