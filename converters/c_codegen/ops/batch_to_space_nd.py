"""BATCH_TO_SPACE_ND -> ek_batch_to_space_s8 (TFLM batch_to_space_nd.cc): 4-D NHWC or 3-D NHC, a byte copy.

Block shape and crops must be constant; they are folded into the kernel's parameters (3-D tensors are read as
N,H,1,C, as TFLM's ExtendShapeBatchToSpace does). No requantization: TFLM's Prepare checks only ranks and types.
"""

from __future__ import annotations

from edgekit.converters.c_codegen.ops.space_to_batch_nd import block_and_amounts, check_nd, nd_params
from edgekit.converters.c_codegen.registry import EmitContext, OpEmission, register
from edgekit.converters.c_codegen.support import OP_RULES, SUMMARY, Rule, _const_input, _int8

from edgekit.ir import Operator


@register("BATCH_TO_SPACE_ND", runtime=("ek_batch_to_space_s8.c", "ek_batch_to_space_s8.h"))
def emit(ctx: EmitContext, op: Operator) -> OpEmission:
    x, y = op.inputs[0], op.outputs[0]
    params = ctx.define("ek_batch_to_space_params_t", "batch_to_space", nd_params(ctx.model, op, "crop"))
    call = (
        f"ek_batch_to_space_s8(&ek_ctx, &{params}, &{ctx.dims(x)}, {ctx.data(x, 'const int8_t')}, "
        f"&{ctx.dims(y)}, {ctx.data(y, 'int8_t')})"
    )
    block, amounts = block_and_amounts(ctx.model, op)
    return OpEmission(call=call, comment=f"block {block}, crops {amounts}")


OP_RULES["BATCH_TO_SPACE_ND"] = (
    _int8(("input", 0), ("output", 0)),
    _const_input("block shape", 1),
    _const_input("crops", 2),
    Rule("3-D NHC or 4-D NHWC; int32 block >= 1, crops >= 0; output shape consistent",
         lambda model, op: check_nd(model, op, "batch_to_space")),
)
SUMMARY["BATCH_TO_SPACE_ND"] = "4-D NHWC and 3-D NHC, any block shape and crops; a byte copy (no requantization)"
