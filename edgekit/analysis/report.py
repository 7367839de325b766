"""The `edgekit check` report: a JSON document (schema in docs/check-json.md) and rich tables.

Both are views of one ``Assessment``; nothing is computed here that the JSON and the tables could disagree on.
"""

from __future__ import annotations

from typing import Any

from edgekit.analysis.budget import Assessment, BudgetLine
from edgekit.analysis.costs import LayerCost

SCHEMA = "edgekit-check/1"


def layer_cycles(a: Assessment, layer: LayerCost) -> float:
    if a.latency.per_layer is not None:  # a calibrated estimate carries its own per-layer figures
        return a.latency.per_layer[layer.index]
    return layer.macs * a.latency.cycles_per_mac + layer.ops * a.latency.cycles_per_op


def live_bytes_per_op(a: Assessment) -> list[int]:
    """Arena bytes occupied during each op (sum of the sizes of the plan's buffers live then)."""
    return [
        sum(b.size for b in a.plan.buffers if b.first_op <= i <= b.last_op)
        for i in range(len(a.model.operators))
    ]


def dominant_layers(a: Assessment, budget: str, n: int = 3) -> list[dict[str, Any]]:
    """The layers that weigh most on one budget, largest first, with their share of that budget's use."""
    if budget == "flash":
        ranked = a.cost.top_layers("weights_bytes", n)
        total = max(a.cost.weights_bytes, 1)
        return [
            {
                "index": x.index,
                "op": x.op,
                "bytes": x.weights_bytes,
                "share": round(x.weights_bytes / total, 6),
            }
            for x in ranked
        ]
    if budget == "ram":
        live = live_bytes_per_op(a)
        ranked_ops = sorted(range(len(live)), key=lambda i: live[i], reverse=True)[:n]
        total = max(a.plan.arena_bytes, 1)
        return [
            {"index": i, "op": a.cost.layers[i].op, "bytes": live[i], "share": round(live[i] / total, 6)}
            for i in ranked_ops
            if live[i] > 0
        ]
    cycles = [(layer_cycles(a, x), x) for x in a.cost.layers]
    cycles.sort(key=lambda c: c[0], reverse=True)
    total = max(sum(c for c, _ in cycles), 1)
    return [
        {"index": x.index, "op": x.op, "cycles": round(c), "share": round(c / total, 6)}
        for c, x in cycles[:n]
        if c > 0
    ]


def _io(a: Assessment, indices: tuple[int, ...]) -> list[dict[str, Any]]:
    out = []
    for t in indices:
        tensor = a.model.tensors[t]
        q = tensor.quant
        out.append(
            {
                "index": t,
                "name": tensor.name,
                "shape": list(tensor.shape),
                "dtype": tensor.dtype,
                "bytes": tensor.nbytes,
                "scale": q.scale[0] if q and len(q.scale) == 1 else None,
                "zero_point": q.zero_point[0] if q and len(q.zero_point) == 1 else None,
            }
        )
    return out


def _budget(b: BudgetLine) -> dict[str, Any]:
    def num(x: float | None) -> float | None:
        # bytes are exact integers; milliseconds are estimates, kept to the nanosecond to avoid float noise
        return None if x is None else (round(float(x), 6) if b.unit == "ms" else int(x))

    share = round(b.share, 6) if b.share is not None else None
    return {
        "used": num(b.used),
        "limit": num(b.limit),
        "over_by": num(b.over_by),
        "share": share,
        "unit": b.unit,
    }


def to_json(a: Assessment, model_path: str = "") -> dict[str, Any]:
    """The stable JSON document of docs/check-json.md."""
    m = a.model
    layers = [
        {
            "index": x.index,
            "op": x.op,
            "macs": x.macs,
            "ops": x.ops,
            "params": x.params,
            "weights_bytes": x.weights_bytes,
            "activation_bytes": x.activation_bytes,
            "input_bytes": x.input_bytes,
            "output_bytes": x.output_bytes,
            "output_shape": list(x.output_shape),
            "latency_ms_estimate": round(layer_cycles(a, x) / a.latency.clock_hz * 1000.0, 6),
        }
        for x in a.cost.layers
    ]
    return {
        "schema": SCHEMA,
        "model": {
            "name": m.name,
            "path": model_path,
            "sha256": m.sha256,
            "file_bytes": m.file_size,
            "subgraphs": m.subgraph_count,
            "inputs": _io(a, m.inputs),
            "outputs": _io(a, m.outputs),
        },
        "target": {
            "id": a.target.id,
            "kind": a.target.kind,
            "core": a.target.core,
            "clock_hz": a.target.clock_hz,
        },
        "layers": layers,
        "totals": {
            "macs": a.cost.macs,
            "ops": a.cost.ops,
            "params": a.cost.params,
            "weights_bytes": a.flash.weights_bytes,
            "code_bytes": a.flash.code_bytes,
            "constants_bytes": a.flash.constants_bytes,
            "flash_bytes": int(a.budget("flash").used),
            "flash_bytes_estimate": a.flash.total,
            "arena_bytes": a.ram.arena_bytes,
            "io_bytes": a.ram.io_bytes,
            "io_buffers": [{"name": name, "bytes": n} for name, n in a.ram.io_parts],
            "reserved_ram_bytes": a.ram.reserved_bytes,
            "ram_bytes": int(a.budget("ram").used),
            "ram_bytes_estimate": a.ram.total,
            "latency_cycles_estimate": a.latency.cycles,
            "latency_ms_estimate": round(a.latency.ms, 6),
        },
        "plan": {
            "strategy": a.plan.strategy,
            "alignment": a.plan.alignment,
            "arena_bytes": a.plan.arena_bytes,
            "tflm_greedy_bytes": a.plan.tflm_head_bytes or None,
            "lower_bound_bytes": a.plan.lower_bound_bytes or None,
            "buffers": [
                {
                    "tensor": b.tensor,
                    "name": b.name,
                    "offset": b.offset,
                    "size": b.size,
                    "first_op": b.first_op,
                    "last_op": b.last_op,
                }
                for b in a.plan.buffers
            ],
        },
        "sources": {
            "flash_bytes": "measured" if a.measured else "estimate",
            "ram_bytes": "measured" if a.measured else "estimate",
            "latency": "estimate",
        },
        "measured": _measured(a),
        "estimates": {
            "code_bytes": a.flash.code_source,
            "latency": a.latency.source,
            "cycles_per_mac": a.latency.cycles_per_mac,
            "cycles_per_op": a.latency.cycles_per_op,
        },
        "verdict": {
            "fits": a.fits,
            "supported": a.supported,
            "unsupported": (None if a.unsupported is None else {"index": a.unsupported.index,
                                                                "op": a.unsupported.op,
                                                                "reason": a.unsupported.reason}),
            **{b.name: _budget(b) for b in a.budgets},
            "over": [b.name for b in a.over()],
            "dominant_layers": {b.name: dominant_layers(a, b.name) for b in a.budgets},
        },
    }


def _measured(a: Assessment) -> dict[str, Any] | None:
    """The build's size report the flash and RAM figures come from (``--build``), or None."""
    m = a.measured
    if m is None:
        return None
    return {
        "size_json": str(m.path),
        "target": m.target,
        "model_sha256": m.model_sha256,
        **{k: getattr(m, k) for k in ("text", "data", "bss", "stack", "arena_bytes", "flash_bytes", "ram_bytes")},
        "breakdown": {p.name: {"flash": p.flash, "ram": p.ram} for p in m.parts},
    }


def _fmt_used(b: BudgetLine) -> str:
    return f"{b.used:,.3f} ms" if b.unit == "ms" else f"{int(b.used):,} B"


def over_budget_message(a: Assessment) -> str:
    """One sentence: what is over, by how much, and which layers dominate it."""
    parts = []
    for b in a.over():
        if a.measured is not None and b.name in ("flash", "ram"):
            # a measured total is made of the build's parts, not of layers: name the largest parts
            top_parts = sorted(a.measured.parts, key=lambda p: -getattr(p, b.name))[:2]
            who = ", ".join(f"{p.name} {getattr(p, b.name):,} B" for p in top_parts)
        else:
            top = dominant_layers(a, b.name, 2)
            who = ", ".join(f"op {d['index']} ({d['op']}) {d['share']:.0%}" for d in top)
        by = f"{b.over_by:,.3f} ms" if b.unit == "ms" else f"{int(b.over_by):,} bytes"
        name = f"{b.name} (measured)" if a.measured and b.name in ("flash", "ram") else b.name
        parts.append(f"{name} by {by} ({_fmt_used(b)} used of {_fmt_limit(b)}; largest: {who})")
    return f"{a.model.name} does not fit {a.target.id}: over budget on " + "; ".join(parts) + "."


def unsupported_message(a: Assessment) -> str:
    """One sentence: which op the C generator refuses, and why (only when ``a.unsupported``)."""
    assert a.unsupported is not None
    return (f"{a.model.name} cannot be deployed on {a.target.id}: {a.unsupported.what}; `edgekit generate` and "
            "`package` refuse it.")


def _fmt_limit(b: BudgetLine) -> str:
    if b.limit is None:
        return "no limit"
    return f"{b.limit:,.3f} ms" if b.unit == "ms" else f"{int(b.limit):,} B"


def render(a: Assessment, console: Any) -> None:
    """Per-layer table and totals with each total's share of its budget, on a rich Console."""
    from rich.table import Table

    total_macs = max(a.cost.macs, 1)
    layers = Table(title=f"{a.model.name} on {a.target.id}: per layer", title_justify="left")
    for col in (
        "#",
        "op",
        "output",
        "MACs",
        "other ops",
        "params",
        "weights B",
        "activations B",
        "ms (est.)",
        "MACs %",
    ):
        layers.add_column(col, justify="left" if col in ("op", "output") else "right")
    for x in a.cost.layers:
        ms = layer_cycles(a, x) / a.latency.clock_hz * 1000.0
        layers.add_row(
            str(x.index),
            x.op,
            "x".join(map(str, x.output_shape)),
            f"{x.macs:,}",
            f"{x.ops:,}",
            f"{x.params:,}",
            f"{x.weights_bytes:,}",
            f"{x.activation_bytes:,}",
            f"{ms:.3f}",
            f"{x.macs / total_macs:.1%}",
        )
    console.print(layers)

    totals = Table(title="totals", title_justify="left")
    for col in ("", "used", "budget", "share", "made of"):
        totals.add_column(col, justify="left" if col in ("", "made of") else "right")
    code_label = f"code ({a.flash.code_source})"
    made_of = {
        "flash": f"weights {a.flash.weights_bytes:,} + {code_label} {a.flash.code_bytes:,} + constants "
        f"{a.flash.constants_bytes:,}",
        "ram": f"arena {a.ram.arena_bytes:,} ({a.plan.strategy}) + I/O outside arena {a.ram.io_bytes:,}"
        + (" (" + " + ".join(f"{name} {n:,}" for name, n in a.ram.io_parts) + ")" if a.ram.io_parts else "")
        + f" + reserved {a.ram.reserved_bytes:,}",
        "latency": (f"{a.latency.cycles:,} cycles from per-op costs at {a.target.clock_hz / 1e6:g} MHz — "
                    f"{a.latency.source}" if a.latency.per_layer is not None else
                    f"{a.cost.macs:,} MACs x {a.latency.cycles_per_mac:g} + {a.cost.ops:,} ops x "
                    f"{a.latency.cycles_per_op:g} cycles at {a.target.clock_hz / 1e6:g} MHz — {a.latency.source}"),
    }
    if a.measured is not None:
        made_of.update(_measured_made_of(a))
    for b in a.budgets:
        share = f"{b.share:.1%}" if b.share is not None else "-"
        status = "[green]" if b.fits else "[bold red]"
        name = "latency (estimate)" if b.name == "latency" else (
            f"{b.name} (measured)" if a.measured is not None else b.name)
        totals.add_row(name, f"{status}{_fmt_used(b)}", _fmt_limit(b), f"{status}{share}", made_of[b.name])
    console.print(totals)
    console.print(f"MACs {a.cost.macs:,} · params {a.cost.params:,} · arena {a.plan.arena_bytes:,} B")
    if a.measured is not None:
        console.print(f"flash and RAM measured by the build in {a.measured.path} (estimates: flash "
                      f"{a.flash.total:,} B, RAM {a.ram.total:,} B); latency is still an estimate")
    budgets = "within budget" if a.fits else f"over budget: {', '.join(b.name for b in a.over())}"
    if a.unsupported is not None:  # the costs above still hold; the verdict is that generated C cannot run it
        console.print(f"[bold red]not deployable[/bold red] on {a.target.id}: {a.unsupported.what} ({budgets})")
    elif a.fits:
        console.print(f"[green]fits[/green] {a.target.id}")
    else:
        console.print(f"[bold red]over budget[/bold red]: {', '.join(b.name for b in a.over())}")


def _measured_made_of(a: Assessment) -> dict[str, str]:
    """The build's breakdown, largest first; the arena is named inside the model's RAM."""
    m = a.measured
    assert m is not None
    flash = " + ".join(f"{p.name} {p.flash:,}" for p in m.parts if p.flash)
    ram_parts = sorted((p for p in m.parts if p.ram), key=lambda p: -p.ram)
    ram = " + ".join(f"{p.name} {p.ram:,}" + (f" (arena {m.arena_bytes:,})" if p.name == "model" else "")
                     for p in ram_parts)
    return {"flash": f"{flash} (text {m.text:,} + data {m.data:,})",
            "ram": f"{ram} (data {m.data:,} + bss {m.bss:,} + stack {m.stack:,})"}
