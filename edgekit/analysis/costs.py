"""Per-layer costs of a model: MACs, other arithmetic, parameters, weight and activation bytes.

MACs are the multiply-accumulates of the ops that do matrix work (CONV_2D, DEPTHWISE_CONV_2D,
FULLY_CONNECTED, TRANSPOSE_CONV, CONV_3D, BATCH_MATMUL) — the figure MLPerf Tiny publishes. Every other op's
work is counted separately in ``ops`` (elementary operations: one per output element for elementwise ops, one
per window element for pooling, zero for ops that only relabel memory such as RESHAPE), so a latency estimate
can weigh the two differently and the MAC figure stays comparable with published ones.

Weight bytes: each constant tensor counts once, charged to the first op that reads it, so the total equals the
size of the constant buffers the graph uses (what the generated C places in flash).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from edgekit.ir import Model, Operator, Tensor

# Ops that only reinterpret their input's bytes; their work is zero and the planner may alias them in place.
RELABEL_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})


@dataclass(frozen=True)
class LayerCost:
    index: int
    op: str
    macs: int  # multiply-accumulates (matrix ops only)
    ops: int  # other elementary operations (pooling windows, elementwise, softmax, ...)
    params: int  # elements of the constant inputs this op is charged with
    weights_bytes: int  # bytes of those constants
    input_bytes: int  # non-constant inputs
    output_bytes: int
    output_shape: tuple[int, ...]

    @property
    def activation_bytes(self) -> int:
        return self.input_bytes + self.output_bytes


@dataclass(frozen=True)
class ModelCost:
    model: str
    layers: tuple[LayerCost, ...]

    @property
    def macs(self) -> int:
        return sum(layer.macs for layer in self.layers)

    @property
    def ops(self) -> int:
        return sum(layer.ops for layer in self.layers)

    @property
    def params(self) -> int:
        return sum(layer.params for layer in self.layers)

    @property
    def weights_bytes(self) -> int:
        return sum(layer.weights_bytes for layer in self.layers)

    def top_layers(self, key: str, n: int = 3) -> list[LayerCost]:
        """The ``n`` layers with the largest ``key`` (an attribute name), largest first, zeros left out."""
        ranked = sorted(self.layers, key=lambda layer: getattr(layer, key), reverse=True)
        return [layer for layer in ranked[:n] if getattr(layer, key) > 0]


def _t(model: Model, op: Operator, i: int) -> Tensor | None:
    if i >= len(op.inputs) or op.inputs[i] < 0:
        return None
    return model.tensors[op.inputs[i]]


def _prod(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def _out_elems(model: Model, op: Operator) -> int:
    return sum(model.tensors[t].num_elements for t in op.outputs if t >= 0)


def _conv_macs(model: Model, op: Operator) -> int:
    # filter [Cout, KH, KW, Cin/groups]: every output element sums KH*KW*Cin/groups products
    f = _t(model, op, 1)
    return _out_elems(model, op) * _prod(f.shape[1:]) if f is not None else 0


def _depthwise_macs(model: Model, op: Operator) -> int:
    # filter [1, KH, KW, Cout]: every output element sums one KH*KW window of one channel
    f = _t(model, op, 1)
    return _out_elems(model, op) * _prod(f.shape[1:3]) if f is not None and len(f.shape) == 4 else 0


def _fc_macs(model: Model, op: Operator) -> int:
    # weights [units, depth]: every output element is a depth-long dot product
    w = _t(model, op, 1)
    return _out_elems(model, op) * w.shape[-1] if w is not None and w.shape else 0


def _transpose_conv_macs(model: Model, op: Operator) -> int:
    # inputs: output_shape, filter [Cout, KH, KW, Cin], input; every input element scatters into KH*KW*Cout
    f, x = _t(model, op, 1), _t(model, op, 2)
    return x.num_elements * _prod(f.shape[:3]) if f is not None and x is not None and len(f.shape) == 4 else 0


def _conv3d_macs(model: Model, op: Operator) -> int:
    f = _t(model, op, 1)  # filter [KD, KH, KW, Cin, Cout]
    return _out_elems(model, op) * _prod(f.shape[:4]) if f is not None and len(f.shape) == 5 else 0


def _batch_matmul_macs(model: Model, op: Operator) -> int:
    x = _t(model, op, 0)
    if x is None or len(x.shape) < 2:
        return 0
    depth = x.shape[-2] if op.options.get("adj_x") else x.shape[-1]
    return _out_elems(model, op) * depth


MAC_RULES: dict[str, Callable[[Model, Operator], int]] = {
    "CONV_2D": _conv_macs,
    "DEPTHWISE_CONV_2D": _depthwise_macs,
    "FULLY_CONNECTED": _fc_macs,
    "TRANSPOSE_CONV": _transpose_conv_macs,
    "CONV_3D": _conv3d_macs,
    "BATCH_MATMUL": _batch_matmul_macs,
}

_POOL_OPS = frozenset({"AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D"})
_REDUCE_OPS = frozenset({"MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "ARG_MAX", "ARG_MIN"})
_MOVE_OPS = frozenset(
    {"CONCATENATION", "TRANSPOSE", "PAD", "PADV2", "SLICE", "STRIDED_SLICE", "GATHER", "SPLIT"}
)


def _other_ops(model: Model, op: Operator) -> int:
    """Elementary operations of an op that is not a matrix op (a sensible count, not a cycle count)."""
    if op.op in RELABEL_OPS:
        return 0
    if op.op in _POOL_OPS:
        window = int(op.options.get("filter_width", 1)) * int(op.options.get("filter_height", 1))
        return _out_elems(model, op) * window
    if op.op in _REDUCE_OPS:
        x = _t(model, op, 0)
        return x.num_elements if x is not None else 0
    if op.op == "SOFTMAX":
        # max, exp-and-sum, scale: three passes over the logits
        return 3 * _out_elems(model, op)
    if op.op in _MOVE_OPS:
        return _out_elems(model, op)
    return _out_elems(model, op)  # elementwise: ADD, MUL, QUANTIZE, LOGISTIC, ...


def layer_cost(model: Model, op: Operator, charged: set[int]) -> LayerCost:
    """Costs of one op; constants already in ``charged`` (read by an earlier op) are not counted again."""
    rule = MAC_RULES.get(op.op)
    macs = rule(model, op) if rule else 0
    params = weights = inputs = 0
    for t in op.inputs:
        if t < 0:
            continue
        tensor = model.tensors[t]
        if tensor.is_constant:
            if t not in charged:
                charged.add(t)
                params += tensor.num_elements
                weights += len(tensor.data or b"")
        else:
            inputs += tensor.nbytes
    outputs = [model.tensors[t] for t in op.outputs if t >= 0]
    return LayerCost(
        index=op.index,
        op=op.custom_code if op.op == "CUSTOM" and op.custom_code else op.op,
        macs=macs,
        ops=0 if rule else _other_ops(model, op),
        params=params,
        weights_bytes=weights,
        input_bytes=inputs,
        output_bytes=sum(t.nbytes for t in outputs),
        output_shape=outputs[0].shape if outputs else (),
    )


def model_cost(model: Model) -> ModelCost:
    charged: set[int] = set()
    return ModelCost(model=model.name, layers=tuple(layer_cost(model, op, charged) for op in model.operators))
