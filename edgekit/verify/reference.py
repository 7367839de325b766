"""Reference runtimes: TFLite Micro (the oracle) and LiteRT's builtin kernels (for information only)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from edgekit.ir import Model

ARENA_MIN = 8 << 20


def tflm_known_crash(model: Model) -> str | None:
    """Why TFLM would kill this process instead of running the model, if we know (ARITHMETIC.md 3.2)."""
    for op in model.operators:
        if op.op == "DEPTHWISE_CONV_2D" and len(op.inputs) == 3 and op.inputs[2] < 0:
            return f"{op.label} has a bias index of -1, on which TFLite Micro itself crashes in Prepare"
    return None


def litert_known_crash(model: Model) -> str | None:
    """Why LiteRT 2.3 would kill this process on this model, if we know (ARITHMETIC.md 3.2)."""
    for op in model.operators:
        if op.op == "DEPTHWISE_CONV_2D" and len(op.inputs) == 2:
            return f"LiteRT crashes on {op.label} without a bias input"
    return None


def tflm_interpreter(model_bytes: bytes, preserve: bool = False):  # noqa: ANN201  (third-party type)
    from tflite_micro import runtime

    cfg = runtime.InterpreterConfig.kPreserveAllTensors if preserve else runtime.InterpreterConfig.kAllocationRecording
    return runtime.Interpreter.from_bytes(
        model_bytes, arena_size=max(len(model_bytes) * 10, ARENA_MIN), intrepreter_config=cfg
    )


def tflm_run(model_bytes: bytes, samples: Sequence[Sequence[np.ndarray]], n_outputs: int) -> list[list[np.ndarray]]:
    """Outputs of TFLM for every sample; the input is set before EVERY invoke (TFLM reuses its buffer)."""
    it = tflm_interpreter(model_bytes)
    results = []
    for sample in samples:
        for i, x in enumerate(sample):
            it.set_input(x, i)
        it.invoke()
        results.append([np.array(it.get_output(k)) for k in range(n_outputs)])
    return results


def tflm_intermediates(model_bytes: bytes, sample: Sequence[np.ndarray], tensors: Sequence[int]) -> dict[int, bytes]:
    """Every listed tensor after one invoke, in TFLM's kPreserveAllTensors mode."""
    it = tflm_interpreter(model_bytes, preserve=True)
    for i, x in enumerate(sample):
        it.set_input(x, i)
    it.invoke()
    return {t: np.asarray(it.GetTensor(t, 0)["tensor_data"]).tobytes() for t in tensors}


def litert_max_diff(
    model_bytes: bytes, samples: Sequence[Sequence[np.ndarray]], reference: Sequence[Sequence[np.ndarray]]
) -> float | None:
    """Largest |LiteRT builtin - TFLM| over all outputs (int8 steps, or float units); None if LiteRT fails."""
    try:
        from ai_edge_litert import interpreter as lite

        it = lite.Interpreter(
            model_content=model_bytes,
            experimental_op_resolver_type=lite.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
        )
        it.allocate_tensors()
        ins, outs = it.get_input_details(), it.get_output_details()
        worst = 0.0
        for sample, ref in zip(samples, reference, strict=True):
            for d, x in zip(ins, sample, strict=True):
                it.set_tensor(d["index"], x.reshape(d["shape"]))
            it.invoke()
            for d, r in zip(outs, ref, strict=True):
                y = it.get_tensor(d["index"])
                worst = max(worst, float(np.max(np.abs(y.astype(np.float64) - r.astype(np.float64)), initial=0.0)))
        return worst
    except Exception:  # noqa: BLE001  (information only: LiteRT refusing a model TFLM runs is documented)
        return None
