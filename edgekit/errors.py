"""One exception family. The CLI turns each into one sentence and an exit code (see DESIGN.md, Errors)."""


class EdgekitError(Exception):
    """Base class. ``str(err)`` is one sentence: what was wrong and what to do."""

    exit_code = 2


class BadInputError(EdgekitError):
    """A file, option or data set the user gave is missing, malformed or inconsistent."""


class ModelFormatError(BadInputError):
    """A .tflite (or Keras) file that cannot be read: wrong identifier, truncated, out-of-range indices."""


class UnsupportedError(BadInputError):
    """An op, option or data type edgekit cannot handle; the message names the op and where it is."""


class TargetError(BadInputError):
    """A target definition that is unknown, malformed or inconsistent."""


class EnvironmentError_(EdgekitError):
    """A tool or device edgekit needs is missing or unusable (compiler, QEMU, adb, a serial port)."""


class DeviceError(EdgekitError):
    """The device misbehaved: reset, garbage, timeout, unauthorized. Measured data is saved first."""


class OverBudgetError(EdgekitError):
    """The model does not fit the target's budget."""

    exit_code = 1


class MismatchError(EdgekitError):
    """Outputs differ from the reference."""

    exit_code = 1


class OutputExistsError(BadInputError):
    """An output path exists and ``--force`` was not given."""


# A clearer public name; the trailing underscore avoids shadowing the builtin inside this module.
ToolchainError = EnvironmentError_
