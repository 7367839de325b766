"""RESHAPE / SQUEEZE / EXPAND_DIMS: no code at all; the planner aliases the output onto the input's bytes."""

from __future__ import annotations

from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register

from edgekit.ir import Operator


def _emit(ctx: EmitContext, op: Operator) -> OpEmission:
    return OpEmission(call=None, comment="in place: output aliases the input (no copy)")


for _name in ("RESHAPE", "SQUEEZE", "EXPAND_DIMS"):
    register(_name, in_place=True)(_emit)
